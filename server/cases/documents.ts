// The documents a case outcome produces: an A4 PDF in Chinese with an embedded CJK font (pdfkit subsets the
// font, so only the glyphs used are embedded), the scanned pages bound into one PDF, and the thermal slip
// (ESC/POS bytes from the printer driver's receipt layout). Pure over the case view: the same case gives
// the same text.

import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { receiptSlipLayout } from '../../drivers/printer/layouts.js';
import { HallError } from '../errors.js';
import type { CjkFont } from '../documents/fonts.js';
import type { CaseOutcome, CaseView } from './types.js';

export type { CjkFont } from '../documents/fonts.js';
export { findCjkFont } from '../documents/fonts.js';

/** 'path' or 'path#PostScriptName', as HALL_PDF_FONT gives it. */
export function parseFontSpec(spec: string): CjkFont {
  const i = spec.lastIndexOf('#');
  return i > 0 ? { file: spec.slice(0, i), family: spec.slice(i + 1) } : { file: spec };
}

export const OUTCOME_TITLES: Record<CaseOutcome, string> = {
  done: '办结通知书',
  accepted: '受理通知书',
  accepted_pending: '容缺受理通知书',
  notice: '一次性告知书',
  refused: '不予受理通知书',
};

export const OUTCOME_FILES: Record<CaseOutcome, string> = {
  done: 'done.pdf',
  accepted: 'receipt.pdf',
  accepted_pending: 'receipt-pending.pdf',
  notice: 'notice.pdf',
  refused: 'refusal.pdf',
};

export interface DocumentContext {
  hallName: string;
  hallCode: string;
  /** Printed as the contact line, e.g. the service's contact. */
  contact: string;
}

const STATE_TEXT = { provided: '已提交', missing: '缺少', defective: '需补正' } as const;

/** A date 'YYYY-MM-DD' as 2026年11月23日. */
export function chineseDate(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : day;
}

/** The body paragraphs of an outcome document, in order; shared by the PDF and the tests' expectations. */
export function outcomeParagraphs(c: CaseView): string[] {
  const svc = `“${c.serviceName}”（事项编码 ${c.serviceCode}）`;
  const p: string[] = [];
  switch (c.outcome) {
    case 'done':
      p.push(`您申请的${svc}已于${chineseDate(c.decidedDay!)}当场办结。`);
      break;
    case 'accepted':
      p.push(`您申请的${svc}，申请材料齐全、符合法定形式，本机关决定予以受理。`);
      p.push(`承诺办结时限 ${c.promisedLimitDays} 个工作日，承诺于${chineseDate(c.promisedDue!)}前办结；法定办结时限 ${c.legalLimitDays} 个工作日（${chineseDate(c.legalDue!)}）。`);
      break;
    case 'accepted_pending':
      p.push(`您申请的${svc}，主要申请材料齐全，部分次要材料暂缺。根据容缺受理制度，在您作出书面承诺后予以受理。`);
      p.push(`请于${chineseDate(c.commitmentDue!)}前补齐下列缺少或需补正的材料，逾期未补齐的，将按规定终止办理。`);
      if (c.commitment) p.push(`申请人承诺：${c.commitment}`);
      p.push(`承诺办结时限 ${c.promisedLimitDays} 个工作日，承诺于${chineseDate(c.promisedDue!)}前办结；法定办结时限 ${c.legalLimitDays} 个工作日（${chineseDate(c.legalDue!)}）。`);
      break;
    case 'notice':
      p.push(`您申请的${svc}，申请材料不齐全或不符合法定形式。现一次性告知您需要补齐或补正的全部材料如下，补齐后即可重新提交申请。`);
      break;
    case 'refused':
      p.push(`您申请的${svc}，经审查，决定不予受理。`);
      p.push(`不予受理理由：${c.reason ?? ''}`);
      p.push(`法律依据：${c.legalBasis ?? ''}`);
      p.push('如对本决定不服，可依法申请行政复议或者提起行政诉讼。');
      break;
    default:
      break;
  }
  if (c.remark) p.push(`备注：${c.remark}`);
  return p;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

function newDoc(font: CjkFont | null, title: string, at: Date): PDFKit.PDFDocument {
  if (!font) throw new HallError('DOCUMENT_FONT_MISSING', '未找到中文字体，无法生成文书 / no CJK font for documents (run npm ci or set HALL_PDF_FONT)');
  // Fixed dates keep the same case's document byte-stable apart from pdfkit's random ID.
  const doc = new PDFDocument({ size: 'A4', margin: 64, info: { Title: title, CreationDate: at, ModDate: at }, autoFirstPage: true });
  doc.registerFont('cjk', font.file, font.family);
  doc.font('cjk');
  return doc;
}

/** A QR code drawn as vector squares (crisp at any zoom, nothing rasterised), `size` points wide. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const m = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const cell = size / m.size;
  doc.save();
  for (let r = 0; r < m.size; r++) for (let col = 0; col < m.size; col++) if (m.get(r, col)) doc.rect(x + col * cell, y + r * cell, cell, cell);
  doc.fill('#000000');
  doc.restore();
}

/** The outcome document (受理通知书, 一次性告知书, …) as a PDF. */
export async function outcomePdf(c: CaseView, ctx: DocumentContext, font: CjkFont | null): Promise<Buffer> {
  if (!c.outcome || !c.receiptNo || !c.decidedDay) throw new HallError('CASE_OPEN', '办件尚未作出结论 / the case has no outcome yet');
  const title = OUTCOME_TITLES[c.outcome];
  const doc = newDoc(font, title, new Date(c.decidedAt ?? c.updatedAt));
  const width = doc.page.width - 128;
  doc.fontSize(13).text(ctx.hallName, { align: 'center' });
  doc.moveDown(0.4).fontSize(22).text(title, { align: 'center' });
  doc.moveDown(0.3).fontSize(11).text(`编号：${c.receiptNo}`, { align: 'right' });
  // The receipt number as a QR code in the top corner: a window's scanner opens the case from the paper.
  drawQr(doc, c.receiptNo, doc.page.width - 64 - 72, 28, 72);
  doc.moveDown(0.8).fontSize(12);
  const rows: [string, string][] = [
    ['申请人', c.applicant.nameMasked],
    ['证件号码', c.applicant.idMasked],
    ['办理事项', `${c.serviceName}（${c.serviceCode}）`],
    ['办件类型', c.serviceKind === 'immediate' ? '即办件' : '承诺件'],
    ['日期', chineseDate(c.decidedDay)],
  ];
  if (c.ticketNumber) rows.push(['排队号', c.ticketNumber]);
  for (const [k, v] of rows) doc.text(`${k}：${v}`, { width });
  doc.moveDown(0.8);
  for (const para of outcomeParagraphs(c)) doc.text(para, { width, indent: 24, lineGap: 4 }).moveDown(0.4);

  const listed =
    c.outcome === 'notice' || c.outcome === 'accepted_pending' ? c.materials.filter((m) => m.state !== 'provided') : c.materials;
  if (listed.length > 0) {
    doc.moveDown(0.5).fontSize(13).text(c.outcome === 'notice' || c.outcome === 'accepted_pending' ? '需补齐或补正的材料' : '申请材料');
    doc.fontSize(11);
    listed.forEach((m, i) => {
      const note = m.note ? `（${m.note}）` : '';
      doc.text(`${i + 1}. ${m.name}  ${m.copies} 份  ${STATE_TEXT[m.state]}${m.required ? '' : '（非必要）'}${note}`, { width, lineGap: 3 });
    });
  }
  doc.moveDown(1.2).fontSize(11);
  doc.text(`经办人：${c.clerk.name}（工号 ${c.clerk.staffNo}）　窗口：${c.windowId}`, { width });
  doc.text(`咨询电话：${ctx.contact}`, { width });
  doc.text(`${ctx.hallName}（${ctx.hallCode}）　${chineseDate(c.decidedDay)}`, { width, align: 'right' });
  return collect(doc);
}

/** Scanned pages (JPEG, already normalised) bound into one PDF, one page each, fitted to A4. */
export async function materialsPdf(c: CaseView, pages: Buffer[], font: CjkFont | null): Promise<Buffer> {
  const doc = newDoc(font, `申请材料 ${c.id}`, new Date(c.decidedAt ?? c.updatedAt));
  doc.fontSize(10).text(`申请材料扫描件 · ${c.serviceName}（${c.serviceCode}）· 办件 ${c.id} · 共 ${pages.length} 页`);
  pages.forEach((img, i) => {
    if (i > 0) doc.addPage();
    const top = i === 0 ? 90 : 40;
    doc.image(img, 40, top, { fit: [doc.page.width - 80, doc.page.height - top - 40], align: 'center', valign: 'center' });
  });
  return collect(doc);
}

/** The thermal slip for the outcome, as ESC/POS bytes. */
export function outcomeSlip(c: CaseView, ctx: DocumentContext, widthColumns: number): Buffer {
  if (!c.outcome || !c.receiptNo || !c.decidedDay) throw new HallError('CASE_OPEN', '办件尚未作出结论 / the case has no outcome yet');
  const lines: [string, string][] = [
    ['编号', c.receiptNo],
    ['事项', c.serviceName],
    ['申请人', c.applicant.nameMasked],
    ['日期', c.decidedDay],
  ];
  if (c.promisedDue) lines.push(['承诺办结', c.promisedDue]);
  if (c.legalDue) lines.push(['法定时限', c.legalDue]);
  if (c.commitmentDue) lines.push(['补齐期限', c.commitmentDue]);
  if (c.outcome === 'notice' || c.outcome === 'accepted_pending') {
    c.materials.filter((m) => m.state !== 'provided').forEach((m, i) => lines.push([`补${i + 1}`, `${m.name}${m.state === 'defective' ? '（补正）' : ''}`]));
  }
  if (c.outcome === 'refused') lines.push(['理由', c.reason ?? ''], ['依据', c.legalBasis ?? '']);
  lines.push(['经办人', `${c.clerk.name} ${c.clerk.staffNo}`]);
  return receiptSlipLayout({
    hallName: ctx.hallName,
    title: OUTCOME_TITLES[c.outcome],
    lines,
    qrUrl: c.receiptNo,
    footer: `凭此凭条查询办理进度。咨询电话：${ctx.contact}`,
    widthColumns,
    locale: 'zh-CN',
  });
}
