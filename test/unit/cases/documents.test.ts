// The outcome PDF carries the receipt number as a QR code in its top corner, so a window's code scanner can
// open the case from the paper: the first page is rendered with pdftoppm and every module of the QR code is
// compared with the code the receipt number encodes.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { findCjkFont, outcomePdf, outcomeSlip } from '../../../server/cases/documents.js';
import type { CaseView } from '../../../server/cases/types.js';
import { needPoppler, pdfText } from '../../support/pdf.js';

const RECEIPT = 'ZWFW-DEMO-001-2026-000042';

const kase: CaseView = {
  id: 'C20260316ABCDEF01',
  version: 3,
  status: 'closed',
  windowId: 'w1',
  clerk: { id: 'staff1', name: '李*国', staffNo: 'GZ0101' },
  sectionId: 'construction',
  serviceCode: 'A01',
  serviceName: '建设用地规划许可证核发',
  serviceKind: 'promised',
  legalLimitDays: 20,
  promisedLimitDays: 10,
  applicant: { nameMasked: '欧**明', idMasked: '440***********0015', source: 'card' },
  materials: [{ name: '建设用地规划许可证申请表', required: true, copies: 1, state: 'provided' }],
  pages: [],
  outcome: 'accepted',
  receiptNo: RECEIPT,
  decidedAt: '2026-03-16T09:30:00.000+08:00',
  decidedDay: '2026-03-16',
  promisedDue: '2026-03-30',
  legalDue: '2026-04-14',
  documents: [],
  createdAt: '2026-03-16T09:20:00.000+08:00',
  updatedAt: '2026-03-16T09:30:00.000+08:00',
};

describe('case documents', function () {
  this.timeout(60_000);

  it('print the receipt number as a QR code in the corner of the outcome PDF, module for module', async function () {
    needPoppler(this);
    const pdf = await outcomePdf(kase, { hallName: '示范市政务服务中心', hallCode: 'ZWFW-DEMO-001', contact: '0000-12345' }, findCjkFont());
    expect(pdfText(pdf)).to.include('受理通知书').and.include(RECEIPT);
    const dir = mkdtempSync(join(tmpdir(), 'qr-check-'));
    try {
      writeFileSync(join(dir, 'doc.pdf'), pdf);
      // 288 dpi: 4 pixels per point, so each module of the 72-point code is several pixels wide.
      execFileSync('pdftoppm', ['-r', '288', '-f', '1', '-l', '1', '-gray', '-png', join(dir, 'doc.pdf'), join(dir, 'page')]);
      const png = readFileSync(join(dir, 'page-1.png'));
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      const modules = QRCode.create(RECEIPT, { errorCorrectionLevel: 'M' }).modules;
      const scale = 4;
      // Where documents.ts draws it: 72 points wide, its right edge at the right margin (64), 28 points down.
      const x0 = (595.28 - 64 - 72) * scale;
      const y0 = 28 * scale;
      const cell = (72 * scale) / modules.size;
      let wrong = 0;
      for (let r = 0; r < modules.size; r++) {
        for (let c = 0; c < modules.size; c++) {
          const px = Math.round(x0 + (c + 0.5) * cell);
          const py = Math.round(y0 + (r + 0.5) * cell);
          const dark = data[(py * info.width + px) * info.channels]! < 128;
          if (dark !== !!modules.get(r, c)) wrong++;
        }
      }
      expect(wrong, 'modules that differ from the receipt number’s QR code').to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('print the receipt number as the slip’s QR data (ESC/POS store command)', () => {
    const slip = outcomeSlip(kase, { hallName: '示范市政务服务中心', hallCode: 'ZWFW-DEMO-001', contact: '0000-12345' }, 48);
    // GS ( k pL pH 31 50 30 <data>: store the symbol's data.
    const data = Buffer.from(RECEIPT, 'ascii');
    const n = data.length + 3;
    const store = Buffer.concat([Buffer.from([0x1d, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, 0x50, 0x30]), data]);
    expect(slip.includes(store)).to.equal(true);
  });
});
