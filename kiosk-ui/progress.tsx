// Case progress query (办件进度查询) by the receipt number on the acceptance receipt (受理单号), typed on the
// keypad or scanned from the receipt's code, or by the ID card on the kiosk's reader (the cases in the
// holder's name; the number stays in the server). The hall asks the central approval system; when that is
// out of reach the kiosk says so, and shows the hall's own record or the last known answer with its time.

import { useRef, useState } from 'preact/hooks';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import { errText, t } from '../ui-shared/page.js';
import type { CaseProgress, ProgressAnswer, ProgressCaseView, ProgressSearchAnswer, ProgressStatus } from './types.js';
import { ALL_KEYS, Keypad, ScreenHead, useSignal, useTypedCode } from './widgets.js';
import { kioskToken } from './key.js';

const MAX_RECEIPT = 40;
const STATUSES: ProgressStatus[] = ['received', 'accepted', 'review', 'approved', 'done', 'refused', 'notice_issued'];

type Note = { kind: 'stale'; fetchedAt: string; error: { code: string; message: string } } | { kind: 'hall'; error: { code: string; message: string } };

type State =
  | { k: 'ask'; by: 'receipt' | 'card' }
  | { k: 'querying' }
  | { k: 'result'; by: 'receipt' | 'card'; cases: CaseProgress[]; note: Note | null }
  | { k: 'error'; by: 'receipt' | 'card'; error: ApiError };

type Result = Extract<State, { k: 'result' }>;

export async function queryProgress(receipt: string): Promise<Result> {
  const a = await api<ProgressAnswer>(`/progress?receipt=${encodeURIComponent(receipt)}`, { timeoutMs: 15000 });
  if (a?.available === true && a.progress) {
    return { k: 'result', by: 'receipt', cases: [a.progress], note: a.source === 'hall' && a.centralError ? { kind: 'hall', error: a.centralError } : null };
  }
  if (a?.available === false && a.error) {
    if (a.stale?.progress) return { k: 'result', by: 'receipt', cases: [a.stale.progress], note: { kind: 'stale', fetchedAt: a.stale.fetchedAt, error: a.error } };
    throw new ApiError(a.error.code, a.error.message, 200);
  }
  throw new ApiError('BAD_RESPONSE', 'answer without progress', 200);
}

function fromSearch(c: ProgressCaseView): CaseProgress {
  return {
    receiptNo: c.receiptNumber,
    serviceCode: c.serviceCode,
    serviceName: c.serviceName,
    applicantName: c.applicantName,
    status: c.status,
    steps: Array.isArray(c.steps) ? c.steps : [],
    ...(c.dueDate ? { promisedDueDate: c.dueDate } : {}),
    updatedAt: c.updatedAt,
  };
}

/** The cases of the card just read at this kiosk; an empty list is an answer too. */
export async function queryByCard(kioskId: string | undefined): Promise<Result> {
  if (!kioskId) throw new ApiError('NO_CARD_READ', 'no kiosk id', 409);
  const a = await api<ProgressSearchAnswer>('/progress', { method: 'POST', body: { useCard: true, kioskId }, timeoutMs: 15000, token: kioskToken(kioskId) });
  if (a?.available === true && Array.isArray(a.cases)) {
    return { k: 'result', by: 'card', cases: a.cases.map(fromSearch), note: a.source === 'hall' && a.centralError ? { kind: 'hall', error: a.centralError } : null };
  }
  if (a?.available === false && a.error) {
    if (a.stale?.cases?.length) return { k: 'result', by: 'card', cases: a.stale.cases.map(fromSearch), note: { kind: 'stale', fetchedAt: a.stale.fetchedAt, error: a.error } };
    throw new ApiError(a.error.code, a.error.message, 200);
  }
  throw new ApiError('BAD_RESPONSE', 'answer without cases', 200);
}

function statusText(s: string): string {
  return (STATUSES as string[]).includes(s) ? t(`kiosk.progress.st.${s as ProgressStatus}`) : s;
}

function day(iso: string | undefined): string {
  return iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : '';
}

export function ProgressScreen(props: {
  onBack: () => void;
  kioskId: string | undefined;
  /** The kiosk's reader is there: a card placed is searched at once. */
  hasReader: boolean;
  /** Bumped each time this kiosk's reader reads a card while the screen is open. */
  card?: { n: number } | null;
}) {
  const [state, setState] = useState<State>({ k: 'ask', by: 'receipt' });
  const [receipt, setReceipt] = useState('');
  const ref = useRef('');
  const asking = useRef(true);
  asking.current = state.k === 'ask' && state.by === 'receipt';
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
      setState({ k: 'error', by: 'receipt', error: asApiError(e) });
    }
  };
  const runCard = async () => {
    setState({ k: 'querying' });
    try {
      setState(await queryByCard(props.kioskId));
    } catch (e) {
      setState({ k: 'error', by: 'card', error: asApiError(e) });
    }
  };
  useTypedCode(
    (c) => asking.current && change(ref.current + c),
    () => asking.current && change(ref.current.slice(0, -1)),
    () => asking.current && void run(ref.current),
  );
  // A card placed while this screen is open is a search by card, whatever tab is showing.
  useSignal(props.card, () => {
    if (state.k !== 'querying') void runCard();
  });

  const again = (by: 'receipt' | 'card') => {
    change('');
    setState({ k: 'ask', by });
  };

  let body;
  if (state.k === 'ask') {
    const tabs = (
      <div class="k-tabs" role="tablist">
        {(['receipt', 'card'] as const).map((by) => (
          <button type="button" role="tab" class="k-tab" data-by={by} aria-selected={state.by === by} onClick={() => setState({ k: 'ask', by })}>
            {by === 'receipt' ? t('kiosk.progress.byReceipt') : t('kiosk.progress.byCard')}
          </button>
        ))}
      </div>
    );
    body =
      state.by === 'receipt' ? (
        <>
          {tabs}
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
      ) : (
        <>
          {tabs}
          <div class="k-card-ask">
            <CardIcon />
            <p class="k-lead">{t('kiosk.progress.cardHint')}</p>
            {props.hasReader && <p class="k-hint k-card-auto">{t('kiosk.progress.cardAuto')}</p>}
            <button type="button" class="btn btn-primary k-big" onClick={() => void runCard()}>
              {t('kiosk.progress.cardGo')}
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
    const notFound = state.error.code === 'CASE_NOT_FOUND' || (state.by === 'receipt' && state.error.code === 'VALIDATION_FAILED');
    const hint = refusalHint(state.error.code);
    body = (
      <div class="k-error" role="alert" data-code={state.error.code}>
        <h2 class="k-title">{notFound ? t('kiosk.progress.none') : errText(state.error.code, state.error.message)}</h2>
        {hint && <p class="k-lead">{hint}</p>}
        <p class="k-code">{t('common.errorCode', { code: state.error.code })}</p>
        <div class="k-actions">
          <button type="button" class="btn btn-primary k-big" onClick={() => again(state.by)}>
            {t('kiosk.progress.again')}
          </button>
        </div>
      </div>
    );
  } else if (state.cases.length === 0) {
    body = (
      <div class="k-error k-progress-none" role="status" data-code="NONE">
        <h2 class="k-title">{state.by === 'card' ? t('kiosk.progress.noneForCard') : t('kiosk.progress.none')}</h2>
        <div class="k-actions">
          <button type="button" class="btn btn-primary k-big" onClick={() => again(state.by)}>
            {t('kiosk.progress.again')}
          </button>
        </div>
      </div>
    );
  } else {
    const note = state.note;
    body = (
      <div class="k-progress-result">
        {note && (
          <div class="k-inline-error" role="status" data-code={note.error.code} data-note={note.kind}>
            <b>{errText(note.error.code, note.error.message)}</b>
            <span>{note.kind === 'stale' ? t('kiosk.progress.stale', { at: `${day(note.fetchedAt)} ${hallTime(note.fetchedAt)}` }) : t('kiosk.progress.hallOnly')}</span>
          </div>
        )}
        {state.by === 'card' && <p class="k-hint k-case-count">{t('kiosk.progress.count', { n: state.cases.length })}</p>}
        <div class="k-case-list">
          {state.cases.map((c) => (
            <CaseCard c={c} steps={state.cases.length === 1} />
          ))}
        </div>
        <div class="k-actions">
          <button type="button" class="btn btn-primary k-big" onClick={() => again(state.by)}>
            {t('kiosk.progress.again')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <section class="k-progress" data-state={state.k} data-by={'by' in state ? state.by : undefined}>
      <ScreenHead title={t('kiosk.progress.title')} onBack={props.onBack} />
      {body}
    </section>
  );
}

function refusalHint(code: string): string | null {
  return code === 'NO_CARD_READ' ? t('kiosk.error.hint.NO_CARD_READ') : null;
}

/** One case; with its steps when it is the only one (a list of several stays short enough to read). */
function CaseCard({ c, steps }: { c: CaseProgress; steps: boolean }) {
  return (
    <div class="k-case-item">
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
      {steps && c.steps.length > 0 && (
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
    </div>
  );
}

export function CardIcon() {
  return (
    <svg class="k-card-icon" viewBox="0 0 120 80" aria-hidden="true">
      <rect x="4" y="4" width="112" height="72" rx="8" fill="#fff" stroke="#0b4f9c" stroke-width="4" />
      <rect x="14" y="18" width="30" height="38" rx="3" fill="#c7d7ee" />
      <rect x="54" y="20" width="50" height="6" rx="3" fill="#0b4f9c" />
      <rect x="54" y="34" width="40" height="6" rx="3" fill="#8aa6cf" />
      <rect x="54" y="48" width="46" height="6" rx="3" fill="#8aa6cf" />
    </svg>
  );
}
