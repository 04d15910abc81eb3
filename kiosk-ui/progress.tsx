// Case progress query (办件进度查询) by the receipt number on the acceptance receipt (受理单号), typed on the
// keypad or scanned from the receipt's code. The hall asks the central approval system; when that is out of
// reach the kiosk says so, and shows the last known answer with its time if the hall has one.

import { useRef, useState } from 'preact/hooks';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import { errText, t } from '../ui-shared/page.js';
import type { CaseProgress, ProgressAnswer, ProgressStatus } from './types.js';
import { ALL_KEYS, Keypad, ScreenHead, useTypedCode } from './widgets.js';

const MAX_RECEIPT = 40;
const STATUSES: ProgressStatus[] = ['received', 'accepted', 'review', 'approved', 'done', 'refused', 'notice_issued'];

type State =
  | { k: 'ask' }
  | { k: 'querying' }
  | { k: 'result'; progress: CaseProgress; stale: { fetchedAt: string; error: { code: string; message: string } } | null }
  | { k: 'error'; error: ApiError };

export async function queryProgress(receipt: string): Promise<Extract<State, { k: 'result' }>> {
  const a = await api<ProgressAnswer>(`/progress?receipt=${encodeURIComponent(receipt)}`, { timeoutMs: 15000 });
  if (a?.available === true && a.progress) return { k: 'result', progress: a.progress, stale: null };
  if (a?.available === false && a.error) {
    if (a.stale?.progress) return { k: 'result', progress: a.stale.progress, stale: { fetchedAt: a.stale.fetchedAt, error: a.error } };
    throw new ApiError(a.error.code, a.error.message, 200);
  }
  throw new ApiError('BAD_RESPONSE', 'answer without progress', 200);
}

function statusText(s: string): string {
  return (STATUSES as string[]).includes(s) ? t(`kiosk.progress.st.${s as ProgressStatus}`) : s;
}

function day(iso: string | undefined): string {
  return iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : '';
}

export function ProgressScreen(props: { onBack: () => void }) {
  const [state, setState] = useState<State>({ k: 'ask' });
  const [receipt, setReceipt] = useState('');
  const ref = useRef('');
  const asking = useRef(true);
  asking.current = state.k === 'ask';
  const change = (v: string) => {
    ref.current = v.slice(0, MAX_RECEIPT);
    setReceipt(ref.current);
  };

  const run = async (r: string) => {
    if (!r) return;
    setState({ k: 'querying' });
    try {
      setState(await queryProgress(r));
    } catch (e) {
      setState({ k: 'error', error: asApiError(e) });
    }
  };
  useTypedCode(
    (c) => asking.current && change(ref.current + c),
    () => asking.current && change(ref.current.slice(0, -1)),
    () => asking.current && void run(ref.current),
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
          <button type="button" class="btn btn-primary k-big" disabled={!receipt} onClick={() => void run(receipt)}>
            {t('kiosk.progress.go')}
          </button>
        </div>
      </>
    );
  } else if (state.k === 'querying') {
    body = (
      <div class="k-issuing" role="status">
        <div class="spinner" aria-hidden="true" />
        {t('kiosk.progress.querying')}
      </div>
    );
  } else if (state.k === 'error') {
    const notFound = state.error.code === 'CASE_NOT_FOUND' || state.error.code === 'VALIDATION_FAILED';
    body = (
      <div class="k-error" role="alert" data-code={state.error.code}>
        <h2 class="k-title">{notFound ? t('kiosk.progress.none') : errText(state.error.code, state.error.message)}</h2>
        <p class="k-code">{t('common.errorCode', { code: state.error.code })}</p>
        <div class="k-actions">
          <button type="button" class="btn btn-primary k-big" onClick={again}>
            {t('kiosk.progress.again')}
          </button>
        </div>
      </div>
    );
  } else {
    const c = state.progress;
    body = (
      <div class="k-progress-result">
        {state.stale && (
          <div class="k-inline-error" role="status" data-code={state.stale.error.code}>
            <b>{errText(state.stale.error.code, state.stale.error.message)}</b>
            <span>{t('kiosk.progress.stale', { at: `${day(state.stale.fetchedAt)} ${hallTime(state.stale.fetchedAt)}` })}</span>
          </div>
        )}
        <dl class="k-facts k-case" data-receipt={c.receiptNo} data-status={c.status}>
          <div>
            <dt>{t('kiosk.progress.receipt')}</dt>
            <dd class="num">{safeText(c.receiptNo)}</dd>
          </div>
          <div>
            <dt>{t('kiosk.progress.status')}</dt>
            <dd class={`k-case-status st-${c.status}`}>{statusText(c.status)}</dd>
          </div>
          <div>
            <dt>{t('kiosk.progress.service')}</dt>
            <dd>{safeText(c.serviceName)}</dd>
          </div>
          <div>
            <dt>{t('kiosk.progress.applicant')}</dt>
            <dd>{safeText(c.applicantName)}</dd>
          </div>
          {c.promisedDueDate && (
            <div>
              <dt>{t('kiosk.progress.due')}</dt>
              <dd class="num">{day(c.promisedDueDate)}</dd>
            </div>
          )}
        </dl>
        {c.steps.length > 0 && (
          <ol class="k-steps">
            {c.steps.map((s) => (
              <li>
                <span class="k-step-status">{statusText(s.status)}</span>
                <span class="num">
                  {day(s.at)} {hallTime(s.at)}
                </span>
              </li>
            ))}
          </ol>
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
