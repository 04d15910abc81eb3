// A checked field's problem in the page's language: the server names its kind (`code`, with `params`) and
// keeps English `message` for logs; a kind the catalogue does not know is shown as the server wrote it.

import { isMessageKey, type Params } from './i18n/index.js';
import { t } from './page.js';

export interface IssueLike {
  message: string;
  code?: unknown;
  params?: unknown;
}

export function issueText(i: IssueLike): string {
  const key = typeof i.code === 'string' ? `issue.${i.code}` : '';
  if (!key || !isMessageKey(key)) return i.message;
  const params: Params = {};
  if (typeof i.params === 'object' && i.params !== null) {
    for (const [k, v] of Object.entries(i.params)) if (typeof v === 'string' || typeof v === 'number') params[k] = v;
  }
  return t(key, params);
}
