// What the kiosk prints: queue tickets, receipt slips (受理单 and similar), booking slips. Each layout is
// pure and returns the ESC/POS bytes of one job; the widths are columns (32 on 58 mm paper, 48 on 80 mm).

import { DeviceError } from '../errors.js';
import { type CutMode, EscPos } from './escpos.js';
import { columns, rule, twoColumns, wrap } from './width.js';

export type PrintLocale = 'zh-CN' | 'en';

/** Line feeds before the cut: the cutter sits about four lines above the print head. */
export const FEED_BEFORE_CUT = 4;

const LABELS = {
  'zh-CN': {
    ahead: (n: number) => (n === 0 ? '前面没有人，请留意叫号' : `前面还有 ${n} 人`),
    wait: (m: number) => (m <= 0 ? '即将叫号' : `预计等待约 ${m} 分钟`),
    issuedAt: '取号时间：',
    scanTicket: '扫码查看排队进度',
    bookingTitle: '预约凭条',
    section: '业务',
    service: '事项',
    date: '日期',
    slot: '时段',
    code: '预约码',
    scanBooking: '到厅后扫码或刷身份证签到',
  },
  en: {
    ahead: (n: number) => (n === 0 ? 'You are next. Please watch for your number' : `${n} ${n === 1 ? 'person' : 'people'} ahead of you`),
    wait: (m: number) => (m <= 0 ? 'You will be called shortly' : `Estimated wait: about ${m} min`),
    issuedAt: 'Issued: ',
    scanTicket: 'Scan to follow the queue',
    bookingTitle: 'Appointment slip',
    section: 'Section',
    service: 'Service',
    date: 'Date',
    slot: 'Time',
    code: 'Code',
    scanBooking: 'Check in at the kiosk with this code or your ID card',
  },
} as const;

function labels(locale: PrintLocale | undefined): (typeof LABELS)[PrintLocale] {
  const l = LABELS[locale ?? 'zh-CN'];
  if (!l) throw new DeviceError('BAD_ARGUMENT', 'locale must be zh-CN or en', { locale });
  return l;
}

function checkWidth(widthColumns: number): number {
  if (!Number.isInteger(widthColumns) || widthColumns < 16 || widthColumns > 96) {
    throw new DeviceError('BAD_ARGUMENT', 'widthColumns must be an integer 16..96', { widthColumns });
  }
  return widthColumns;
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DeviceError('BAD_ARGUMENT', `${name} must be a non-empty string`, { field: name });
  }
  return value;
}

/** QR module size that keeps a typical URL (version 3–5) well inside the paper. */
function qrSize(widthColumns: number): number {
  return widthColumns >= 48 ? 6 : 5;
}

/** Centered title lines at double height (width stays single, so wrapping uses the full width). */
function title(p: EscPos, text: string, width: number): void {
  p.align('center').bold(true).size(1, 2);
  for (const l of wrap(text, width)) p.line(l);
  p.size(1, 1).bold(false);
}

function paragraph(p: EscPos, text: string, width: number): void {
  for (const l of wrap(text, width)) p.line(l);
}

function finish(p: EscPos, cut: CutMode | undefined): Buffer {
  return p.feed(FEED_BEFORE_CUT).cut(cut ?? 'full').bytes();
}

// ---------------------------------------------------------------------------------------------- ticket

export interface TicketLayoutInput {
  hallName: string;
  sectionName: string;
  /** 'A012' */
  number: string;
  ahead: number;
  /** null when there is nothing to estimate from (no open window). */
  estimatedWaitMinutes: number | null;
  /** Already formatted for display, e.g. '2026-11-23 09:30'. */
  issuedAt: string;
  qrUrl?: string;
  notice?: string;
  widthColumns: number;
  locale?: PrintLocale;
  cut?: CutMode;
}

export function ticketLayout(t: TicketLayoutInput): Buffer {
  const width = checkWidth(t.widthColumns);
  const L = labels(t.locale);
  nonEmpty(t.hallName, 'hallName');
  nonEmpty(t.sectionName, 'sectionName');
  const number = nonEmpty(t.number, 'number');
  if (!Number.isInteger(t.ahead) || t.ahead < 0) throw new DeviceError('BAD_ARGUMENT', 'ahead must be a whole number', { ahead: t.ahead });
  const p = new EscPos().init().chinese();
  title(p, t.hallName, width);
  p.align('center');
  paragraph(p, t.sectionName, width);
  p.feed(1);
  // The number as large as the paper allows, up to 4× on 58 mm and 5× on 80 mm.
  const mult = Math.max(1, Math.min(width >= 48 ? 5 : 4, Math.floor(width / columns(number))));
  p.bold(true).size(mult, mult).line(number).size(1, 1).bold(false);
  p.feed(1);
  paragraph(p, L.ahead(t.ahead), width);
  if (t.estimatedWaitMinutes !== null && t.estimatedWaitMinutes !== undefined) {
    paragraph(p, L.wait(Math.round(t.estimatedWaitMinutes)), width);
  }
  paragraph(p, L.issuedAt + t.issuedAt, width);
  if (t.qrUrl) {
    p.feed(1).qr(t.qrUrl, { size: qrSize(width), level: 'M' }).line();
    paragraph(p, L.scanTicket, width);
  }
  if (t.notice) {
    p.align('left').line(rule(width));
    paragraph(p, t.notice, width);
  }
  return finish(p, t.cut);
}

// ---------------------------------------------------------------------------------------------- receipt slip

export interface ReceiptSlipInput {
  hallName?: string;
  /** e.g. 受理通知书, 一次性告知单 */
  title: string;
  /** Label on the left, value on the right; long ones wrap. */
  lines: [label: string, value: string][];
  qrUrl?: string;
  footer?: string;
  widthColumns: number;
  locale?: PrintLocale;
  cut?: CutMode;
}

export function receiptSlipLayout(r: ReceiptSlipInput): Buffer {
  const width = checkWidth(r.widthColumns);
  labels(r.locale);
  nonEmpty(r.title, 'title');
  if (!Array.isArray(r.lines)) throw new DeviceError('BAD_ARGUMENT', 'lines must be a list of [label, value]', { field: 'lines' });
  const p = new EscPos().init().chinese();
  if (r.hallName) {
    p.align('center');
    paragraph(p, r.hallName, width);
  }
  title(p, r.title, width);
  p.align('left').line(rule(width));
  for (const row of r.lines) {
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'string' || typeof row[1] !== 'string') {
      throw new DeviceError('BAD_ARGUMENT', 'each line must be [label, value] strings', { field: 'lines' });
    }
    for (const l of twoColumns(row[0], row[1], width)) p.line(l);
  }
  p.line(rule(width));
  if (r.qrUrl) p.align('center').qr(r.qrUrl, { size: qrSize(width), level: 'M' }).line();
  if (r.footer) {
    p.align('left');
    paragraph(p, r.footer, width);
  }
  return finish(p, r.cut);
}

// ---------------------------------------------------------------------------------------------- booking slip

export interface BookingSlipInput {
  hallName: string;
  sectionName: string;
  serviceName?: string;
  /** 'YYYY-MM-DD' or a display string */
  date: string;
  /** '09:00-09:30' */
  slot: string;
  /** Appointment code, printed large and as the QR content when no qrUrl is given. */
  code: string;
  qrUrl?: string;
  notice?: string;
  widthColumns: number;
  locale?: PrintLocale;
  cut?: CutMode;
}

export function bookingSlipLayout(b: BookingSlipInput): Buffer {
  const width = checkWidth(b.widthColumns);
  const L = labels(b.locale);
  nonEmpty(b.hallName, 'hallName');
  nonEmpty(b.sectionName, 'sectionName');
  nonEmpty(b.date, 'date');
  nonEmpty(b.slot, 'slot');
  const code = nonEmpty(b.code, 'code');
  const p = new EscPos().init().chinese();
  p.align('center');
  paragraph(p, b.hallName, width);
  title(p, L.bookingTitle, width);
  p.align('left').line(rule(width));
  const rows: [string, string][] = [[L.section, b.sectionName]];
  if (b.serviceName) rows.push([L.service, b.serviceName]);
  rows.push([L.date, b.date], [L.slot, b.slot]);
  for (const [label, value] of rows) for (const l of twoColumns(label, value, width)) p.line(l);
  p.line(rule(width));
  p.align('center').line(L.code);
  const mult = Math.max(1, Math.min(2, Math.floor(width / columns(code))));
  p.bold(true).size(mult, mult).line(code).size(1, 1).bold(false);
  p.qr(b.qrUrl ?? code, { size: qrSize(width), level: 'M' }).line();
  paragraph(p, L.scanBooking, width);
  if (b.notice) {
    p.align('left');
    paragraph(p, b.notice, width);
  }
  return finish(p, b.cut);
}
