// Every word a page shows comes from the message catalogues (ui-shared/i18n): no Chinese anywhere in page
// code outside comments, and no text of any language in JSX text or in the attributes people read. The
// guards are tested on planted fixtures, so a guard that stops finding things fails here too.

import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from '../../scripts/build-ui.mjs';
import { isMessageKey } from '../../ui-shared/i18n/index.js';
import { hardCodedText, type TextHit } from './ui-text.js';

/** Every page package: the pages and what they share. The catalogues themselves are the one place for text. */
export const PAGE_DIRS = ['kiosk-ui', 'display-ui', 'console-ui', 'manager-ui', 'ticket-ui', 'ui-shared'];
const CATALOGUES = join('ui-shared', 'i18n');

function pageSources(): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    for (const f of readdirSync(join(root, dir))) {
      const p = join(dir, f);
      if (statSync(join(root, p)).isDirectory()) {
        if (p !== CATALOGUES) visit(p);
      } else if (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const d of PAGE_DIRS) visit(d);
  return files;
}

/** Lines of code (comments removed) that hold Chinese characters. */
function chineseInCode(source: string, file: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:])\/\/.*$/gm, '$1');
  const out: string[] = [];
  code.split('\n').forEach((line, i) => {
    if (/[\u3400-\u9fff]/.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return out;
}

const show = (h: TextHit) => `${h.file}:${h.line} ${h.where}: ${JSON.stringify(h.text)}`;
const scan = (source: string, file = 'fixture.tsx') => hardCodedText(source, file, isMessageKey).map((h) => `${h.where}: ${h.text}`);

describe('UI text only from the catalogues (guard over every page package)', () => {
  const files = pageSources();

  it('finds the page sources of every page package, in subfolders too', () => {
    for (const d of PAGE_DIRS) expect(files.some((f) => f.startsWith(d + '/')), d).to.equal(true);
    expect(files.filter((f) => f.endsWith('.tsx')).length).to.be.greaterThan(15);
    expect(files.some((f) => f.startsWith(CATALOGUES))).to.equal(false);
  });

  it('has no Chinese outside comments in page code', () => {
    const offenders = files.flatMap((f) => chineseInCode(readFileSync(join(root, f), 'utf8'), f));
    expect(offenders).to.deep.equal([]);
  });

  it('has no text in JSX or in the attributes people read, in any language', () => {
    const offenders = files.flatMap((f) => hardCodedText(readFileSync(join(root, f), 'utf8'), relative('.', f), isMessageKey).map(show));
    expect(offenders).to.deep.equal([]);
  });
});

describe('the UI text guard itself (on planted fixtures)', () => {
  it('catches English and Chinese text nodes, string and template children', () => {
    const hits = scan(`
      export const A = ({ n, ok }: { n: number; ok: boolean }) => (
        <div class="k-box">
          <h1>Take a number</h1>
          <p>
            请取号
          </p>
          {'Loading…'}
          {ok ? 'Yes' : 'No'}
          {ok && "Printed"}
          <span>{\`\${n} people ahead\`}</span>
          <>Fragment text</>
        </div>
      );`);
    expect(hits).to.have.members(['text: Take a number', 'text: 请取号', 'text: Loading…', 'text: Yes', 'text: No', 'text: Printed', 'text: people ahead', 'text: Fragment text']);
  });

  it('catches the attributes people read, on elements and components', () => {
    const hits = scan(`
      const Field = (p: { placeholder: string; title?: string }) => <input {...p} />;
      export const B = () => (
        <form>
          <input placeholder="Search services" class="k-search" />
          <button title="Print the guide" aria-label={'Close dialog'}>×</button>
          <img alt="Hall emblem" src="/kiosk/emblem.svg" />
          <button value="Send">→</button>
          <input type="submit" value="Submit now" />
          <Field placeholder="Your name" title={"提示"} />
          <select aria-label="Choose a day" data-x="y"><option label="Monday" value="mon" /></select>
        </form>
      );`);
    expect(hits).to.have.members([
      'placeholder: Search services',
      'title: Print the guide',
      'aria-label: Close dialog',
      'alt: Hall emblem',
      'value: Send',
      'value: Submit now',
      'placeholder: Your name',
      'title: 提示',
      'aria-label: Choose a day',
      'label: Monday',
    ]);
  });

  it('lets catalogue keys, identifiers, class names, symbols, key caps and compared values through', () => {
    const hits = scan(`
      import { t } from './i18n';
      export const C = ({ kind, n, code }: { kind: string; n: number; code: string }) => (
        <div class={\`k-tile \${kind === 'card' ? 'is-card' : 'is-plain'}\`} data-state="waiting" id="main" role="status">
          <h1 title={t('kiosk.title')}>{t('kiosk.home.title')}</h1>
          <span>{kind === 'loading' ? t('common.loading') : code}</span>
          <b>{n}</b> · <i>→</i> {'\\u00a0'} 100% <span>—</span>
          <kbd>D</kbd>
          <input value={code} type="text" />
          <input value="abc" type="text" />
          <Download label="manager.reports.csv" filename={\`hall-\${code}.csv\`} />
          <a href="/manager/export" download="hall.tar">{t('manager.reports.export')}</a>
        </div>
      );`);
    expect(hits).to.deep.equal([]);
  });

  it('catches Chinese in code outside comments, not in comments', () => {
    const src = ['// 注释里的中文可以', '/* 这里也可以', ' */', "const x = '中文';", 'const y = 1; // 说明'].join('\n');
    expect(chineseInCode(src, 'f.ts')).to.deep.equal(["f.ts:4: const x = '中文';"]);
  });
});
