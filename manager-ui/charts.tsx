// Bar charts as inline SVG (no chart library, no CDN): today's series against last week's same weekday.

import { t } from '../ui-shared/page.js';

export interface Series {
  label: string;
  values: number[];
  tone: 'now' | 'then';
}

/** Grouped bars, one group per label; the y axis runs from 0 to the largest value (at least 1). */
export function BarChart({ labels, series, title, id }: { labels: string[]; series: Series[]; title: string; id: string }) {
  const w = 560;
  const h = 190;
  const left = 30;
  const bottom = 22;
  const top = 10;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotH = h - top - bottom;
  const slot = (w - left) / Math.max(1, labels.length);
  const barW = (slot * 0.72) / Math.max(1, series.length);
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  return (
    <figure class="m-chart" data-chart={id}>
      <figcaption>
        <span>{title}</span>
        <span class="m-legend">
          {series.map((s) => (
            <span class={`m-key tone-${s.tone}`}>{s.label}</span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
        {ticks.map((v) => {
          const y = top + plotH - (v / max) * plotH;
          return (
            <g>
              <line x1={left} x2={w} y1={y} y2={y} class="m-grid-line" />
              <text x={left - 4} y={y + 4} class="m-axis" text-anchor="end">
                {v}
              </text>
            </g>
          );
        })}
        {labels.map((label, i) => (
          <g>
            {series.map((s, si) => {
              const v = s.values[i] ?? 0;
              const bh = (v / max) * plotH;
              return (
                <rect
                  class={`m-bar tone-${s.tone}`}
                  x={left + i * slot + slot * 0.14 + si * barW}
                  y={top + plotH - bh}
                  width={barW}
                  height={bh}
                  data-value={v}
                >
                  <title>{`${s.label} ${label}: ${v}`}</title>
                </rect>
              );
            })}
            <text x={left + i * slot + slot / 2} y={h - 6} class="m-axis" text-anchor="middle">
              {label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** Hours shown on the hourly chart: 07–19, widened to any hour that has tickets (a 24-hour hall). */
export function chartHours(...series: { hour: number; issued: number }[][]): number[] {
  let first = 7;
  let last = 19;
  for (const s of series) {
    for (const h of s) {
      if (h.issued === 0) continue;
      first = Math.min(first, h.hour);
      last = Math.max(last, h.hour);
    }
  }
  return Array.from({ length: last - first + 1 }, (_, i) => i + first);
}

export function waitLabels(bounds: readonly number[]): string[] {
  return [...bounds.map((b, i) => `${i === 0 ? 0 : bounds[i - 1]}–${b}`), `${bounds.at(-1)}+`];
}

export function chartsLoading() {
  return <p class="m-empty">{t('manager.charts.loading')}</p>;
}
