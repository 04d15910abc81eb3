// Case progress query (办件进度查询) by the receipt number on the acceptance receipt, or by the citizen's ID
// card on the kiosk's reader (the page never sees the ID number: the server takes the reader's last read).

import { useRef, useState } from 'preact/hooks';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import { errText, t } from '../ui-shared/page.js';
import type { CaseProgress } from './types.js';
import { ALL_KEYS, Keypad, ScreenHead, useTypedCode } from './widgets.js';

const MAX_RECEIPT = 32;

type Query = { receiptNumber: string } | { useCard: true };
type State =
  | { k: 'ask' }
  | { k: 'card' }
  | { k: 'querying' }
  | { k: 'result'; by: 'receipt' | 'card'; cases: CaseProgress[] }
  | { k: 'error'; error: ApiError; by: 'receipt' | 'card' };

export async function queryProgress(q: Query, kioskId: string | undefined): Promise<CaseProgress[]> {
  const body = 'useCard' in q ? { useCard: true, ...(kioskId ? { kioskId } : {}) } : { receiptNumber: q.receiptNumber };
  const answer = await api<{ cases?: CaseProgress[] }>('/progress', { method: 'POST', body, timeoutMs: 15000 });
  if (!answer || !Array.isArray(answer.cases)) throw new ApiError('BAD_RESPONSE', 'answer without cases', 200);
  return answer.cases;
}

export function ProgressScreen(props: { kioskId: string | undefined; onBack: () => void }) {
  const [state, setState] = useState<State>({ k: 'ask' });
  const [receipt, setReceipt] = useState('');
  const ref = useRef('');
  const change = (v: string) => {
    ref.current = v.slice(0, MAX_RECEIPT);
    setReceipt(ref.current);
  };

  const run = async (q: Query) => {
    const by = 'useCard' in q ? 'card' : 'receipt';
    setState({ k: 'querying' });
    try {
      setState({ k: 'result', by, cases: await queryProgress(q, props.kioskId) });
    } catch (e) {
      setState({ k: 'error', error: asApiError(e), by });
    }
  };
  useTypedCode(
    (c) => state.k === 'ask' && change(ref.current + c),
    () => state.k === 'ask' && change(ref.current.slice(0, -1)),
    () => state.k === 'ask' && ref.current && void run({ receiptNumber: ref.current }),
  );

  const again = () => {
    change('');
    setState({ k: 'ask' });
  };

  let body;
  if (state.k === 'ask') {
    body = (
      <>
        <p class="k-lead">{t('kiosk.progress.hint')}</p>
        <div class="k-code-box">
          <span class="k-code-label">{t('kiosk.progress.receipt')}</span>
          <span class="k-code-value num" data-code={receipt}>
            {receipt || '\u00a0'}
          </span>
        </div>
        <Keypad keys={ALL_KEYS} onKey={(k) => change(ref.current + k)} onDelete={() => change(ref.current.slice(0, -1))} onClear={() => change('')} />
        <div class="k-actions">
          <button type="button" class="btn btn-ghost k-big" onClick={() => setState({ k: 'card' })}>
            {t('kiosk.progress.card')}
          </button>
          <button type="button" class="btn btn-primary k-big" disabled={!receipt} onClick={() => void run({ receiptNumber: receipt })}>
            {t('kiosk.progress.go')}
          </button>
        </div>
      </>
    );
  } else if (state.k === 'card') {
    body = (
      <div class="k-card-screen">
        <p class="k-lead">{t('kiosk.progress.cardHint')}</p>
        <div class="k-actions">
          <button type="button" class="btn btn-ghost k-big" onClick={again}>
            {t('common.back')}
          </button>
          <button type="button" class="btn btn-primary k-big" onClick={() => void run({ useCard: true })}>
            {t('kiosk.progress.cardGo')}
          </button>
        </div>
      </div>
    );
  } else if (state.k === 'querying') {
    body = (
      <div class="k-issuing" role="status">
        <div class="spinner" aria-hidden="true" />
        {t('kiosk.progress.querying')}
      </div>
    );
  } else if (state.k === 'error') {
    body = (
      <div class="k-error" role="alert" data-code={state.error.code}>
        <h2 class="k-title">{errText(state.error.code, state.error.message)}</h2>
        <p class="k-code">{t('common.errorCode', { code: state.error.code })}</p>
        <div class="k-actions">
          <button type="button" class="btn btn-primary k-big" onClick={again}>
            {t('kiosk.progress.again')}
          </button>
        </div>
      </div>
    );
  } else {
    body = (
      <div class="k-progress-result">
        {state.cases.length === 0 ? (
          <p class="k-lead">{state.by === 'card' ? t('kiosk.progress.noneCard') : t('kiosk.progress.none')}</p>
        ) : (
          state.cases.map((c) => (
            <dl class="k-facts k-case" data-receipt={c.receiptNumber}>
              <div>
                <dt>{t('kiosk.progress.receipt')}</dt>
                <dd class="num">{safeText(c.receiptNumber)}</dd>
              </div>
              <div>
                <dt>{t('kiosk.progress.status')}</dt>
                <dd class="k-case-status">{safeText(c.statusText)}</dd>
              </div>
              <div>
                <dt>{t('kiosk.progress.service')}</dt>
                <dd>{safeText(c.serviceName)}</dd>
              </div>
              {c.acceptedAt && (
                <div>
                  <dt>{t('kiosk.progress.accepted')}</dt>
                  <dd class="num">
                    {c.acceptedAt.slice(0, 10)} {hallTime(c.acceptedAt)}
                  </dd>
                </div>
              )}
              {c.dueDate && (
                <div>
                  <dt>{t('kiosk.progress.due')}</dt>
                  <dd class="num">{c.dueDate.slice(0, 10)}</dd>
                </div>
              )}
            </dl>
          ))
        )}
        <div class="k-actions">
          <button type="button" class="btn btn-primary k-big" onClick={again}>
            {t('kiosk.progress.again')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <section class="k-progress" data-state={state.k}>
      <ScreenHead title={t('kiosk.progress.title')} onBack={props.onBack} />
      {body}
    </section>
  );
}
