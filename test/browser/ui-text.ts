// Finds UI text written straight into page code instead of going through the message catalogues: text in
// JSX (text nodes and string expressions among an element's children) and the attributes a person reads
// (placeholder, title, aria-label, alt, a button's value). The page source is turned into plain calls by
// esbuild, the bundler the pages are built with, so JSX text, attribute strings and child expressions all
// arrive as string literals in known argument places; a small tokenizer then walks those calls.

import { transformSync } from 'esbuild';

/** Attributes whose value is read by people (on screen, in a tooltip or by a screen reader). */
export const READ_ATTRIBUTES = new Set(['placeholder', 'title', 'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'alt', 'label']);

export interface TextHit {
  file: string;
  line: number;
  /** `text` for an element's child, otherwise the attribute's name. */
  where: string;
  text: string;
}

type Token =
  | { kind: 'str'; value: string; line: number }
  | { kind: 'tpl'; parts: string[]; line: number }
  | { kind: 'id'; value: string }
  | { kind: 'punct'; value: string };

const FACTORY = '__uiTextJsx';
const FRAGMENT = '__uiTextFragment';

/** Text a person could read: any letter, in any script. Digits, punctuation and symbols alone are not. */
export function isReadable(s: string): boolean {
  return /\p{L}/u.test(s);
}

/**
 * The hard-coded texts of one page source. `isKey` tells a catalogue key (a component that translates a
 * key it is given, e.g. `label="manager.reports.csv"`) from text.
 */
export function hardCodedText(source: string, file: string, isKey: (s: string) => boolean = () => false): TextHit[] {
  const loader = file.endsWith('.tsx') ? 'tsx' : 'ts';
  const { code } = transformSync(source, {
    loader,
    jsx: 'transform',
    jsxFactory: FACTORY,
    jsxFragment: FRAGMENT,
    format: 'esm',
    target: 'es2022',
    legalComments: 'none',
  });
  const tokens = tokenize(code);
  // Lines in the output differ from the source's: report the first source line holding the text as JSX
  // text or a quoted string.
  const lineOf = (text: string) => {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(["'\`>]|^)\\s*${escaped}`, 'm').exec(source);
    return m ? source.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0) : 0;
  };
  return walk(tokens)
    .filter((h) => !isKey(h.text))
    .map((h) => ({ ...h, file, line: lineOf(h.text) }));
}

interface Frame {
  open: string;
  /** For an element call: its argument index (0 tag, 1 props, 2… children). */
  arg?: number;
  tag?: string | null;
  /** For a props object: the element frame, the current key and what the keys hold. */
  element?: Frame;
  key?: string | null;
  expectKey?: boolean;
  pending?: { where: string; text: string; line: number }[];
  props?: Map<string, string>;
}

function walk(tokens: Token[]): Omit<TextHit, 'file'>[] {
  const hits: Omit<TextHit, 'file'>[] = [];
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const f = top();
    if (t.kind === 'punct') {
      if (t.value === '(' || t.value === '[' || t.value === '{' || t.value === '${') {
        const prev = tokens[i - 1];
        if (t.value === '(' && prev?.kind === 'id' && prev.value === FACTORY) {
          stack.push({ open: '(', arg: 0, tag: null });
        } else if (t.value === '{' && f?.arg === 1 && f.tag !== undefined && directlyIn(tokens, i)) {
          stack.push({ open: '{', element: f, key: null, expectKey: true, pending: [], props: new Map() });
        } else {
          stack.push({ open: t.value });
        }
        continue;
      }
      if (t.value === ')' || t.value === ']' || t.value === '}') {
        const closed = stack.pop();
        if (closed?.element) {
          // A button's value is its caption; an input's only when it is a button.
          const tag = closed.element.tag;
          const type = closed.props?.get('type');
          const valueIsCaption = tag === 'button' || (tag === 'input' && (type === 'button' || type === 'submit' || type === 'reset'));
          for (const p of closed.pending ?? []) if (p.where !== 'value' || valueIsCaption) hits.push(p);
        }
        continue;
      }
      if (t.value === ',') {
        if (f?.arg !== undefined) f.arg++;
        else if (f?.element) {
          f.expectKey = true;
          f.key = null;
        }
        continue;
      }
      if (t.value === ':' && f?.element && f.expectKey) {
        f.expectKey = false;
        continue;
      }
      continue;
    }
    if (f?.element && f.expectKey) {
      // A key of the props object: `placeholder:` or `"aria-label":`; a spread or shorthand has no colon.
      const next = tokens[i + 1];
      if ((t.kind === 'id' || t.kind === 'str') && next?.kind === 'punct' && next.value === ':') f.key = t.value;
      continue;
    }
    if (t.kind === 'id') continue;
    // A string compared with something is a value of the program (a state, a code), not text shown.
    if (isComparison(tokens[i - 1]) || isComparison(tokens[i + 1])) continue;
    const texts = t.kind === 'str' ? [t.value] : t.parts;
    if (f?.arg === 0 && f.tag === null) {
      f.tag = t.kind === 'str' ? t.value : null;
      continue;
    }
    if (f?.arg !== undefined && f.arg >= 2) {
      // A key cap (<kbd>D</kbd>) shows the key itself, the same in every language.
      if (f.tag === 'kbd') continue;
      for (const s of texts) if (isReadable(s)) hits.push({ line: t.line, where: 'text', text: s.trim() });
      continue;
    }
    if (f?.element && f.key) {
      if (t.kind === 'str') f.props!.set(f.key, t.value);
      if (f.key === 'value' || READ_ATTRIBUTES.has(f.key)) {
        for (const s of texts) if (isReadable(s)) f.pending!.push({ line: t.line, where: f.key, text: s.trim() });
      }
    }
  }
  return hits;
}

function isComparison(t: Token | undefined): boolean {
  return t?.kind === 'punct' && ['===', '!==', '==', '!='].includes(t.value);
}

/** True when the `{` at i opens the props object itself (`h("div", {`), not a block inside an expression. */
function directlyIn(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  return prev?.kind === 'punct' && prev.value === ',';
}

const PUNCT3 = ['...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??='];
const PUNCT2 = ['=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>'];

/** A tokenizer for esbuild's output: strings, templates (with nested expressions), regexes, comments. */
function tokenize(code: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  // Template nesting: each entry counts the braces open inside one `${ … }`.
  const tplDepth: number[] = [];
  const regexAllowed = () => {
    const p = out[out.length - 1];
    if (!p) return true;
    if (p.kind === 'str' || p.kind === 'tpl') return false;
    if (p.kind === 'id') return ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await'].includes(p.value);
    return ![')', ']', '}'].includes(p.value);
  };
  const readTemplate = (startLine: number): void => {
    // i is just after a backtick or a closing `}` of a substitution; reads up to the next `${` or backtick.
    // The piece read is one token; a `${` after it opens a substitution, whose tokens follow.
    const parts: string[] = [];
    let s = '';
    while (i < code.length) {
      const c = code[i]!;
      if (c === '\\') {
        s += code.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '`') {
        i++;
        parts.push(s);
        out.push({ kind: 'tpl', parts: parts.map(unescape), line: startLine });
        return;
      }
      if (c === '$' && code[i + 1] === '{') {
        i += 2;
        parts.push(s);
        out.push({ kind: 'tpl', parts: parts.map(unescape), line: startLine });
        tplDepth.push(0);
        out.push({ kind: 'punct', value: '${' });
        return;
      }
      if (c === '\n') line++;
      s += c;
      i++;
    }
    parts.push(s);
    out.push({ kind: 'tpl', parts: parts.map(unescape), line: startLine });
  };
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? code.length : end + 2;
      line += (code.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let raw = '';
      while (j < code.length && code[j] !== c) {
        if (code[j] === '\\') {
          raw += code.slice(j, j + 2);
          j += 2;
        } else raw += code[j++];
      }
      out.push({ kind: 'str', value: unescape(raw), line });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      i++;
      readTemplate(line);
      continue;
    }
    if (c === '}' && tplDepth.length > 0 && tplDepth[tplDepth.length - 1] === 0) {
      // The end of a template substitution: the template goes on.
      tplDepth.pop();
      i++;
      out.push({ kind: 'punct', value: '}' });
      readTemplate(line);
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < code.length) {
        const d = code[j]!;
        if (d === '\\') j += 2;
        else if (d === '[') (inClass = true), j++;
        else if (d === ']') (inClass = false), j++;
        else if (d === '/' && !inClass) break;
        else j++;
      }
      j++;
      while (j < code.length && /[a-z]/i.test(code[j]!)) j++;
      out.push({ kind: 'punct', value: 'regex' });
      i = j;
      continue;
    }
    const id = /^[\p{L}_$][\p{L}\p{N}_$]*/u.exec(code.slice(i, i + 200));
    if (id) {
      out.push({ kind: 'id', value: id[0] });
      i += id[0].length;
      continue;
    }
    const num = /^(?:0[xob][\da-f_]+|\d[\d_]*(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)n?/i.exec(code.slice(i, i + 50));
    if (num) {
      out.push({ kind: 'punct', value: 'num' });
      i += num[0].length;
      continue;
    }
    const three = code.slice(i, i + 3);
    const two = code.slice(i, i + 2);
    const p = PUNCT3.includes(three) ? three : PUNCT2.includes(two) ? two : c;
    if (tplDepth.length > 0) {
      if (p === '{') tplDepth[tplDepth.length - 1]!++;
      else if (p === '}') tplDepth[tplDepth.length - 1]!--;
    }
    out.push({ kind: 'punct', value: p });
    i += p.length;
  }
  return out;
}

function unescape(raw: string): string {
  return raw.replace(/\\(u\{[\da-f]+\}|u[\da-f]{4}|x[\da-f]{2}|.)/gis, (_, e: string) => {
    if (e[0] === 'u' && e[1] === '{') return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e[0] === 'u' && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}
