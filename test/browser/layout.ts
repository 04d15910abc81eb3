// The overflow check for what a page shows: run in the page, it lists every visible element whose content
// is wider or taller than its box (text cut off by an ellipsis or a clip, or spilling out), every element
// that sticks out of the viewport, and a page that scrolls. Elements that scroll by design are named by the
// caller (`scrolls`), with the direction they may scroll in; nothing may scroll sideways.

import { expect } from 'chai';
import type { Page } from 'playwright-core';

export interface FitOptions {
  /** Selectors of containers that may scroll vertically on this screen (a list that can be long). */
  scrolls?: string[];
  /** Selectors whose content moves or is clipped on purpose (a marquee), with why, checked by other tests. */
  ignore?: string[];
  /** Selectors of boxes that reach past their parent on purpose (into its padding), never past the viewport. */
  bleeds?: string[];
}

/** Runs in the page; kept as source so the node type check needs no DOM types. */
const CHECK = `(opts) => {
  const ignore = opts.ignore || [];
  const scrolls = opts.scrolls || [];
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const vh = doc.clientHeight;
  const out = [];
  const name = (el) => el.tagName.toLowerCase() + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  const text = (el) => (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const scroller = (v) => v === 'auto' || v === 'scroll';
  const box = (b) => [b.left, b.top, b.right, b.bottom].map(Math.round).join(',');
  const bleeds = opts.bleeds || [];
  const se = document.scrollingElement || doc;
  if (se.scrollWidth > vw + 1) out.push('the page scrolls sideways: ' + se.scrollWidth + ' px in ' + vw);
  if (se.scrollHeight > vh + 1) out.push('the page scrolls: ' + se.scrollHeight + ' px in ' + vh);
  for (const el of document.body.querySelectorAll('*')) {
    if (ignore.some((s) => el.closest(s))) continue;
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.display === 'contents') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // Text for screen readers only: one clipped pixel on purpose.
    if (cs.position === 'absolute' && r.width <= 1 && r.height <= 1) continue;
    const control = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    // Vertically a line's box may stand a little past a tight line-height (CJK fonts' tall ascent); a
    // fifth of the font size is not text cut off or spilling onto the next thing.
    const tol = Math.max(2, 0.2 * parseFloat(cs.fontSize));
    if (!control && cs.display !== 'inline') {
      // A box that clips or scrolls: what does not fit is cut off (or needs scrolling).
      const dx = el.scrollWidth - el.clientWidth;
      const dy = el.scrollHeight - el.clientHeight;
      if (cs.overflowX !== 'visible' && dx > 1) out.push(where(el) + ': content ' + dx + ' px wider than its box, ' + (scroller(cs.overflowX) ? 'scrolls sideways' : 'cut off') + ' (' + JSON.stringify(text(el)) + ')');
      if (cs.overflowY !== 'visible' && dy > tol) {
        const mayScroll = scroller(cs.overflowY) && scrolls.some((s) => el.matches(s));
        if (!mayScroll) out.push(where(el) + ': content ' + dy + ' px taller than its box, ' + (scroller(cs.overflowY) ? 'scrolls' : 'cut off') + ' (' + JSON.stringify(text(el)) + ')');
      }
      // A box that shows what overflows: its own text must stay inside it, or it runs over its neighbours.
      if (cs.overflowX === 'visible' || cs.overflowY === 'visible') {
        for (const n of el.childNodes) {
          if (n.nodeType !== 3 || !n.textContent.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          const t = range.getBoundingClientRect();
          const wide = cs.overflowX === 'visible' && (t.right > r.right + 1 || t.left < r.left - 1);
          // A text range is as tall as the font's content area, which a tight line-height leaves past the
          // box by up to half an em; a line that does not fit is a whole line more.
          const half = 0.5 * parseFloat(cs.fontSize);
          const tall = cs.overflowY === 'visible' && (t.bottom > r.bottom + half || t.top < r.top - half);
          if (wide || tall) out.push(where(el) + ': text runs out of its box, ' + box(t) + ' in ' + box(r) + ' (' + JSON.stringify(n.textContent.trim().slice(0, 40)) + ')');
        }
      }
    }
    // A turning or moving box (a spinner) has the rectangle of its rotated shape, not of its layout.
    if (cs.transform !== 'none' || cs.animationName !== 'none') continue;
    // A box sticking out of a parent that does not clip it runs over what is beside or below the parent.
    // An absolutely placed box belongs in the box it is placed against.
    const parent = cs.position === 'absolute' ? el.offsetParent : el.parentElement;
    if (parent && parent !== document.body && cs.position !== 'fixed' && cs.display !== 'inline' && !bleeds.some((s) => el.matches(s))) {
      const ps = getComputedStyle(parent);
      const pr = parent.getBoundingClientRect();
      if (ps.display !== 'inline' && ps.display !== 'contents') {
        const wide = ps.overflowX === 'visible' && (r.right > pr.right + 1 || r.left < pr.left - 1);
        const tall = ps.overflowY === 'visible' && (r.bottom > pr.bottom + tol || r.top < pr.top - tol);
        if (wide || tall) out.push(where(el) + ': sticks out of its parent, ' + box(r) + ' in ' + box(pr) + ' (' + JSON.stringify(text(el)) + ')');
      }
    }
    // Outside the viewport, unless an ancestor clips it (that ancestor is then reported above).
    if (r.right > vw + 1 || r.left < -1 || r.bottom > vh + 1 || r.top < -1) {
      let clipped = false;
      for (let a = el.parentElement; a && a !== doc; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
          if (a !== document.body) clipped = true;
          break;
        }
      }
      if (!clipped) out.push(where(el) + ': outside the viewport ' + [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)].join(',') + ' in ' + vw + '×' + vh + ' (' + JSON.stringify(text(el)) + ')');
    }
  }
  return out;
}`;

/** What does not fit on the page as it is now. */
export async function layoutProblems(page: Page, opts: FitOptions = {}): Promise<string[]> {
  // Let fonts and the last render settle before measuring.
  await page.evaluate('document.fonts.ready.then(() => true)');
  return (await page.evaluate(`(${CHECK})(${JSON.stringify(opts)})`)) as string[];
}

/** Collects the problems of several screens, to fail once with all of them. */
export class LayoutReport {
  readonly problems: string[] = [];
  async check(page: Page, screen: string, opts: FitOptions = {}): Promise<void> {
    const found = await layoutProblems(page, opts);
    if (found.length > 0 && process.env.LAYOUT_SHOTS) await page.screenshot({ path: `${process.env.LAYOUT_SHOTS}/${screen.replace(/[^\w-]+/g, '_')}.png` });
    this.problems.push(...found.map((x) => `${screen}: ${x}`));
  }
}

/** Fails with the screen's name and every problem found. */
export async function expectFits(page: Page, screen: string, opts: FitOptions = {}): Promise<void> {
  const problems = await layoutProblems(page, opts);
  if (problems.length > 0 && process.env.LAYOUT_SHOTS) await page.screenshot({ path: `${process.env.LAYOUT_SHOTS}/${screen.replace(/[^\w-]+/g, '_')}.png` });
  expect(problems, screen).to.deep.equal([]);
}
