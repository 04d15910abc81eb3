// Message lookup. Pure: the page layer (ui-shared/page.tsx) holds the current language.

import { en } from './en.js';
import { zh, type MessageKey } from './zh.js';

export type { MessageKey };
export type Lang = 'zh' | 'en';
export type Params = Record<string, string | number>;

export const catalogues: Record<Lang, Record<MessageKey, string>> = { zh, en };

const PLACEHOLDER = /\{(\w+)\}/g;

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = catalogues[lang][key] ?? catalogues.zh[key] ?? key;
  if (!params) return text;
  return text.replace(PLACEHOLDER, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

/** Placeholder names of a message, sorted: used to check that translations keep them. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();
}

/** `?lang=en` (or en-US, EN…) selects English; anything else is Chinese, the hall's first language. */
export function parseLang(value: string | null | undefined): Lang {
  return value && value.trim().toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** Names that the server sends in both languages. */
export function pickName(lang: Lang, name: string, nameEn?: string): string {
  return lang === 'en' && nameEn ? nameEn : name;
}

/** A refusal in the reader's language: the catalogue's text for known codes, else the server's message. */
export function errorText(lang: Lang, code: string, serverMessage?: string): string {
  const key = `err.${code}`;
  if (isMessageKey(key)) return translate(lang, key);
  return serverMessage || code;
}

export function listOf(lang: Lang, key: MessageKey): string[] {
  return translate(lang, key).split(',');
}
