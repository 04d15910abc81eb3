// Binds scanned pages and Chinese text into one PDF (A4): an optional title and text blocks first (who,
// which case, when), then each page image scaled to fit, with a footer line. Used for the scanned
// materials of a case; the same function serves receipts and notices (text blocks only).

import PDFDocument from 'pdfkit';
import { cjkFonts } from './fonts.js';

export interface PdfTextBlock {
  /** A short bold label, e.g. 办理事项 */
  label?: string;
  text: string;
}

export interface PdfPageImage {
  /** JPEG or PNG bytes. */
  image: Buffer;
  /** Image size in pixels, to keep the aspect ratio. */
  width: number;
  height: number;
  /** A caption under the page, e.g. 身份证复印件. */
  caption?: string;
}

export interface PdfInput {
  title?: string;
  blocks?: PdfTextBlock[];
  pages?: PdfPageImage[];
  /** Footer on every page, e.g. the hall's name; page numbers are added. */
  footer?: string;
  /** PDF metadata. */
  author?: string;
  /** Creation time written into the PDF, ms; default now. */
  createdAt?: number;
}

const A4 = { w: 595.28, h: 841.89 };
const MARGIN = 42;

/** The PDF bytes. Text is set in the embedded CJK font; an empty input gives a one-page PDF with the title. */
export async function buildPdf(input: PdfInput): Promise<Buffer> {
  const fonts = cjkFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    bufferPages: true,
    info: {
      Title: input.title ?? '',
      Author: input.author ?? '',
      Producer: 'hall-server',
      CreationDate: new Date(input.createdAt ?? Date.now()),
    },
  });
  doc.registerFont('cjk', fonts.regular);
  doc.registerFont('cjk-bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const blocks = input.blocks ?? [];
  const pages = input.pages ?? [];
  const contentW = A4.w - 2 * MARGIN;
  const footerH = 24;

  if (input.title || blocks.length > 0 || pages.length === 0) {
    doc.addPage();
    if (input.title) {
      doc.font('cjk-bold').fontSize(18).text(input.title, { align: 'center', width: contentW });
      doc.moveDown(0.8);
    }
    for (const b of blocks) {
      if (b.label) doc.font('cjk-bold').fontSize(11).text(b.label, { continued: true }).font('cjk').text('：' + b.text);
      else doc.font('cjk').fontSize(11).text(b.text);
      doc.moveDown(0.3);
    }
  }

  for (const p of pages) {
    doc.addPage();
    const captionH = p.caption ? 20 : 0;
    const boxH = A4.h - 2 * MARGIN - footerH - captionH;
    const scale = Math.min(contentW / p.width, boxH / p.height);
    const w = p.width * scale;
    const h = p.height * scale;
    doc.image(p.image, MARGIN + (contentW - w) / 2, MARGIN, { width: w, height: h });
    if (p.caption) doc.font('cjk').fontSize(10).text(p.caption, MARGIN, MARGIN + h + 6, { width: contentW, align: 'center' });
  }

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const line = `${input.footer ? input.footer + '　' : ''}第 ${i + 1} 页 / 共 ${range.count} 页`;
    // Writing inside the bottom margin: lift the margin so pdfkit does not start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('cjk').fontSize(9).fillColor('#555555').text(line, MARGIN, A4.h - MARGIN + 8, { width: contentW, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
    doc.fillColor('#000000');
  }
  doc.end();
  return done;
}
