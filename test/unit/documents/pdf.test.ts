import { expect } from 'chai';
import { buildPdf } from '../../../server/documents/pdf.js';
import { cjkFonts } from '../../../server/documents/fonts.js';
import { normalizePage } from '../../../drivers/docscan/normalize.js';
import { simulatedPage } from '../../../drivers/docscan/sources.js';
import { needPoppler, pdfFonts, pdfPages, pdfText } from '../../support/pdf.js';

const squash = (s: string): string => s.replace(/[\s\u3000]+/g, '');

describe('PDF binder with an embedded CJK font', function () {
  this.timeout(60_000);

  it('finds the CJK font in the installed npm package', () => {
    const f = cjkFonts();
    expect(f.regular).to.match(/@embedpdf\/fonts-sc\/fonts\/NotoSansHans-Regular\.otf$/);
    expect(f.bold).to.match(/NotoSansHans-Bold\.otf$/);
  });

  it('writes Chinese text that pdftotext reads back, in a subset of the embedded font', async function () {
    needPoppler(this);
    const pdf = await buildPdf({
      title: '示范市政务服务中心 扫描材料',
      blocks: [
        { label: '窗口', text: '3 号窗口 企业开办窗口' },
        { label: '号票', text: 'B012' },
        { text: '不动产登记、社保、住房公积金：一次性告知 ￥20.00' },
      ],
      footer: '示范市政务服务中心',
      createdAt: Date.UTC(2026, 10, 23, 2, 0),
    });
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    // pdftotext rebuilds spaces from glyph positions: compare without them.
    const text = squash(pdfText(pdf));
    for (const want of ['示范市政务服务中心 扫描材料', '窗口：3 号窗口 企业开办窗口', '号票：B012', '不动产登记、社保、住房公积金：一次性告知 ￥20.00', '第 1 页 / 共 1 页']) {
      expect(text).to.contain(squash(want));
    }
    const fonts = pdfFonts(pdf);
    expect(fonts.length).to.be.at.least(1);
    for (const f of fonts) {
      expect(f.name).to.match(/^[A-Z]{6}\+NotoSansHans-(Regular|Bold)$/);
      expect(f, f.name).to.include({ embedded: true, subset: true });
    }
    // A subset: far smaller than the 8 MB font file.
    expect(pdf.length).to.be.lessThan(200_000);
  });

  it('binds scanned pages after the text, one page each, with captions and page numbers', async function () {
    needPoppler(this);
    const pages = [];
    for (const n of [1, 2]) {
      const p = await normalizePage(await simulatedPage(1, n, 1), { width: 800 });
      pages.push({ image: p.jpeg, width: p.width, height: p.height, caption: `第 ${n} 页 身份证复印件` });
    }
    const pdf = await buildPdf({ title: '扫描材料', blocks: [{ label: '页数', text: '2 页' }], pages, footer: '示范市政务服务中心' });
    expect(pdfPages(pdf)).to.equal(3);
    const text = squash(pdfText(pdf));
    expect(text).to.contain('第2页身份证复印件');
    expect(text).to.contain('示范市政务服务中心第3页/共3页');
  });
});
