// Daily and monthly reports as CSV and PDF, made from a KpiReport (so from the journal alone).
// CSV: UTF-8 with a BOM (spreadsheet programs then read the Chinese right), one row per hall, section,
// window and clerk. PDF: pdfkit with an embedded CJK font, the same tables plus two bar charts drawn as
// vectors (tickets per hour, the waiting-time distribution).

import { findCjkFont } from '../documents/fonts.js';
import PDFDocument from 'pdfkit';
import { HallError } from '../errors.js';
import type { Section, WindowConfig } from '../hall/types.js';
import { WAIT_BUCKETS, type Figures, type KpiReport } from './kpi.js';

/** Names for ids, from the setup in force. */
export interface ReportNames {
  hall: string;
  sections: Pick<Section, 'id' | 'prefix' | 'name'>[];
  windows: Pick<WindowConfig, 'id' | 'number' | 'name'>[];
}

export const CSV_COLUMNS = [
  'scope',
  'id',
  'name',
  'issued',
  'called',
  'served',
  'no_show',
  'no_show_rate',
  'cancelled',
  'rolled_over',
  'transfers_out',
  'transfers_in',
  'avg_wait_s',
  'p90_wait_s',
  'avg_service_s',
  'satisfaction',
  'rating_5',
  'rating_4',
  'rating_3',
  'rating_2',
  'rating_1',
  'unrated',
  'cases_completed',
  'cases_on_time_rate',
] as const;

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function ratio(x: number | null): string | null {
  return x === null ? null : x.toFixed(4);
}

function figureCells(f: Figures): (string | number | null)[] {
  return [
    f.issued,
    f.called,
    f.served,
    f.noShow,
    ratio(f.noShowRate),
    f.cancelled,
    f.rolledOver,
    f.transfersOut,
    f.transfersIn,
    f.avgWaitSeconds,
    f.p90WaitSeconds,
    f.avgServiceSeconds,
    ratio(f.satisfaction),
    f.ratings[5],
    f.ratings[4],
    f.ratings[3],
    f.ratings[2],
    f.ratings[1],
    f.ratings.unrated,
    f.cases ? f.cases.completed : null,
    f.cases ? ratio(f.cases.onTimeRate) : null,
  ];
}

function sectionName(names: ReportNames, id: string): string {
  const s = names.sections.find((x) => x.id === id);
  return s ? `${s.prefix} ${s.name}` : id;
}

function windowName(names: ReportNames, id: string): string {
  const w = names.windows.find((x) => x.id === id);
  return w ? `${w.number}号窗口 ${w.name}` : id;
}

export function reportCsv(k: KpiReport, names: ReportNames): string {
  const rows: (string | number | null)[][] = [[...CSV_COLUMNS]];
  rows.push(['hall', k.from === k.to ? k.from : `${k.from}..${k.to}`, names.hall, ...figureCells(k.hall)]);
  for (const s of k.sections) rows.push(['section', s.id, sectionName(names, s.id), ...figureCells(s)]);
  for (const w of k.windows) rows.push(['window', w.id, windowName(names, w.id), ...figureCells(w)]);
  for (const c of k.clerks) rows.push(['clerk', c.staffNo || c.id, c.name, ...figureCells(c)]);
  // The hourly series as its own block: scope "hour", id = hour, issued and served.
  for (const h of k.hourly) {
    if (h.issued === 0 && h.served === 0) continue;
    rows.push(['hour', String(h.hour).padStart(2, '0'), `${String(h.hour).padStart(2, '0')}:00`, h.issued, null, h.served]);
  }
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- PDF

const fmtMin = (s: number | null) => (s === null ? '—' : `${(s / 60).toFixed(1)}`);
const fmtPct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

export interface PdfOptions {
  title: string;
  /** Optional comparison series drawn beside the report's own hourly bars (e.g. same weekday last week). */
  compare?: { label: string; report: KpiReport };
  generatedAt: string;
  font?: { file: string; family?: string } | null;
}

export function reportPdf(k: KpiReport, names: ReportNames, o: PdfOptions): Promise<Buffer> {
  const font = o.font === undefined ? findCjkFont() : o.font;
  if (!font) throw new HallError('NO_FONT', '未找到中文字体，无法生成 PDF（请运行 npm ci）/ the CJK font package is missing (run npm ci)');
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: o.title, Author: names.hall } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.file, font.family);
  doc.font('cjk');

  doc.fontSize(18).fillColor('#b3261e').text(names.hall, { align: 'center' });
  doc.moveDown(0.2).fontSize(14).fillColor('#1d2733').text(o.title, { align: 'center' });
  doc.moveDown(0.2).fontSize(9).fillColor('#555').text(`统计期间 ${k.from} 至 ${k.to}（${k.days.length} 个业务日） · 生成于 ${o.generatedAt}`, { align: 'center' });
  doc.moveDown(0.8);

  const f = k.hall;
  const summary: [string, string][] = [
    ['取号 Issued', String(f.issued)],
    ['办结 Served', String(f.served)],
    ['过号 No-show', `${f.noShow}（${fmtPct(f.noShowRate)}）`],
    ['平均等候 Avg wait', `${fmtMin(f.avgWaitSeconds)} 分钟`],
    ['90% 等候 P90 wait', `${fmtMin(f.p90WaitSeconds)} 分钟`],
    ['平均办理 Avg service', `${fmtMin(f.avgServiceSeconds)} 分钟`],
    ['满意率 Satisfaction', fmtPct(f.satisfaction)],
    ['评价 Ratings 5/4/3/2/1', `${f.ratings[5]}/${f.ratings[4]}/${f.ratings[3]}/${f.ratings[2]}/${f.ratings[1]}`],
    ['办件按时办结率 Cases on time', f.cases ? `${fmtPct(f.cases.onTimeRate)}（${f.cases.onTime}/${f.cases.completed}）` : '—'],
  ];
  doc.fontSize(10).fillColor('#1d2733');
  const x0 = doc.page.margins.left;
  let y = doc.y;
  summary.forEach(([label, value], i) => {
    const col = i % 2;
    const x = x0 + col * 260;
    if (col === 0 && i > 0) y += 16;
    doc.text(`${label}：${value}`, x, y, { width: 250 });
  });
  doc.y = y + 26;

  // Tickets per hour (07–19), this period against the comparison, then the wait distribution.
  const hours = k.hourly.filter((h) => h.hour >= 7 && h.hour <= 19);
  barChart(doc, {
    title: o.compare ? `每小时取号 Tickets per hour（深色：本期；浅色：${o.compare.label}）` : '每小时取号 Tickets per hour',
    labels: hours.map((h) => String(h.hour)),
    series: [hours.map((h) => h.issued), ...(o.compare ? [o.compare.report.hourly.filter((h) => h.hour >= 7 && h.hour <= 19).map((h) => h.issued)] : [])],
  });
  const bucketLabels = WAIT_BUCKETS.map((b, i) => `${i === 0 ? 0 : WAIT_BUCKETS[i - 1]}-${b}`).concat([`${WAIT_BUCKETS.at(-1)}+`]);
  barChart(doc, {
    title: o.compare ? `等候时长分布（分钟）Waiting time (min)（浅色：${o.compare.label}）` : '等候时长分布（分钟）Waiting time (min)',
    labels: bucketLabels,
    series: [k.waitDistribution, ...(o.compare ? [o.compare.report.waitDistribution] : [])],
  });

  table(doc, '业务板块 Sections', k.sections.map((s) => [sectionName(names, s.id), s]));
  table(doc, '窗口 Windows', k.windows.map((w) => [windowName(names, w.id), w]));
  table(doc, '工作人员 Clerks', k.clerks.map((c) => [`${c.name} ${c.staffNo}`, c]));

  doc.end();
  return done;
}

function ensureSpace(doc: PDFKit.PDFDocument, h: number): void {
  if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function barChart(doc: PDFKit.PDFDocument, c: { title: string; labels: string[]; series: number[][] }): void {
  const h = 110;
  ensureSpace(doc, h + 40);
  const left = doc.page.margins.left + 24;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right - 24;
  doc.fontSize(10).fillColor('#1d2733').text(c.title, doc.page.margins.left, doc.y);
  const top = doc.y + 4;
  const max = Math.max(1, ...c.series.flat());
  const slot = width / c.labels.length;
  const barW = (slot * 0.7) / c.series.length;
  const colours = ['#b3261e', '#e8a29c'];
  doc.lineWidth(0.5).strokeColor('#999').moveTo(left, top + h).lineTo(left + width, top + h).stroke();
  doc.fontSize(7).fillColor('#555').text(String(max), doc.page.margins.left, top - 3, { width: 20, align: 'right' });
  c.labels.forEach((label, i) => {
    c.series.forEach((s, si) => {
      const v = s[i] ?? 0;
      const bh = (v / max) * h;
      if (bh > 0) doc.rect(left + i * slot + slot * 0.15 + si * barW, top + h - bh, barW, bh).fill(colours[si % colours.length]!);
    });
    doc.fontSize(7).fillColor('#555').text(label, left + i * slot, top + h + 2, { width: slot, align: 'center' });
  });
  doc.x = doc.page.margins.left;
  doc.y = top + h + 18;
}

function table(doc: PDFKit.PDFDocument, title: string, rows: [string, Figures][]): void {
  if (rows.length === 0) return;
  const cols = ['名称 Name', '取号', '办结', '过号率', '均等候', 'P90', '均办理', '满意率'];
  const widths = [170, 45, 45, 50, 50, 45, 50, 60];
  ensureSpace(doc, 40);
  doc.fontSize(11).fillColor('#1d2733').text(title, doc.page.margins.left, doc.y + 6);
  const line = (cells: string[], bold: boolean) => {
    ensureSpace(doc, 14);
    const y = doc.y;
    let x = doc.page.margins.left;
    doc.fontSize(8).fillColor(bold ? '#b3261e' : '#1d2733');
    cells.forEach((cell, i) => {
      doc.text(cell, x, y, { width: widths[i]! - 4, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + 13;
  };
  line(cols, true);
  for (const [name, f] of rows) {
    line([name, String(f.issued), String(f.served), fmtPct(f.noShowRate), fmtMin(f.avgWaitSeconds), fmtMin(f.p90WaitSeconds), fmtMin(f.avgServiceSeconds), fmtPct(f.satisfaction)], false);
  }
}
