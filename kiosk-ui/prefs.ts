// Large-text mode (关怀模式): bigger type and stronger contrast for citizens who read with difficulty. A class
// on <html> switches it, so every kiosk screen follows; the kiosk turns it off again for the next citizen.

import { useEffect, useReducer } from 'preact/hooks';

const listeners = new Set<() => void>();
let large = false;

export function isLarge(): boolean {
  return large;
}

export function setLarge(on: boolean): void {
  if (on === large) return;
  large = on;
  document.documentElement.classList.toggle('large', on);
  document.documentElement.classList.toggle('hc', on);
  for (const l of [...listeners]) l();
}

/** Re-renders the calling component when the mode changes. */
export function useLarge(): boolean {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const l = () => bump(undefined);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return large;
}
