// The hall's mark in page headers: a plain civic building, drawn inline so no image is fetched.

export function Emblem({ size = 48 }: { size?: number }) {
  return (
    <svg class="emblem" width={size} height={size} viewBox="0 0 48 48" aria-hidden="true">
      <circle cx="24" cy="24" r="23" fill="#c8161d" />
      <path d="M10 20 L24 11 L38 20 Z" fill="#ffd23f" />
      <rect x="11" y="21" width="26" height="2.5" fill="#ffd23f" />
      <rect x="13.5" y="24.5" width="3" height="10" fill="#ffd23f" />
      <rect x="19.5" y="24.5" width="3" height="10" fill="#ffd23f" />
      <rect x="25.5" y="24.5" width="3" height="10" fill="#ffd23f" />
      <rect x="31.5" y="24.5" width="3" height="10" fill="#ffd23f" />
      <rect x="10" y="35.5" width="28" height="3" fill="#ffd23f" />
    </svg>
  );
}
