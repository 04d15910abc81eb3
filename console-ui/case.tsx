// Case capture (办件受理) at the window: pick the service, take the applicant from the window's ID-card
// reader or type them in, tick the materials, scan pages on the window's document scanner or upload them,
// choose the outcome. The server numbers, dates and writes the documents; this panel shows the result, opens
// the PDFs and follows the case at central. A receipt or ticket read by the window's code scanner (or typed
// into the lookup field) opens its case here. No full ID number is kept here after the request that sends it.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { StaffSnapshot } from '../server/realtime/contract.js';
import type { CaseLookup, CaseOutcome, CaseView, CentralCaseStatus, MaterialState } from '../server/cases/types.js';
import { API_PREFIX, api, asApiError, errorFromBody, type ApiError } from '../ui-shared/api.js';
import { errText, name, t } from '../ui-shared/page.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import { useDesk } from './desk.js';

interface ServiceItem {
  code: string;
  name: string;
  nameEn?: string;
  kind: 'immediate' | 'promised';
  promisedLimitDays: number;
  sectionId: string;
}

const OUTCOMES: CaseOutcome[] = ['done', 'accepted', 'accepted_pending', 'notice', 'refused'];
const STATES: MaterialState[] = ['provided', 'missing', 'defective'];

function ErrorLine({ error }: { error: ApiError | null }) {
  if (!error) return null;
  // Rule refusals carry the specifics (which material is missing) in the server's message.
  const detail = error.code === 'VALIDATION_FAILED' || error.code === 'OUTCOME_NOT_ALLOWED' ? error.message : '';
  return (
    <p class="form-error" role="alert" data-code={error.code}>
      {errText(error.code, error.message)}
      {detail && detail !== errText(error.code, error.message) && <span class="k-detail"> {detail}</span>}
      <span class="code">{t('common.errorCode', { code: error.code })}</span>
    </p>
  );
}

export function CasePanel({ snap, token, windowId }: { snap: StaffSnapshot; token: string; windowId: string }) {
  const [kase, setKase] = useState<CaseView | null>(null);
  const [print, setPrint] = useState<{ printed: boolean; code?: string; message?: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [card, setCard] = useState<{ nameMasked: string; usableUntil: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [lookupCode, setLookupCode] = useState('');
  const first = useRef<HTMLSelectElement>(null);

  /** Opens what a scanned or typed code names: a case of this window, or the form for today's ticket. */
  const open = async (found: CaseLookup) => {
    setError(null);
    if (found.kind === 'none') {
      setNotice(null);
      setError({ code: 'CASE_NOT_FOUND', message: t('case.scanNotFound'), status: 404 } as ApiError);
      return;
    }
    if (found.kind === 'ticket') {
      setNotice(t('case.scanTicket', { number: found.number }));
      if (found.current && kase?.status === 'closed') (setKase(null), setPrint(null));
      return;
    }
    if (found.windowId !== windowId) {
      const w = snap.windows.find((x) => x.id === found.windowId);
      setNotice(t('case.scanOtherWindow', { no: found.receiptNo ?? found.caseId, window: w ? t('window.label', { n: w.number }) : found.windowId }));
      return;
    }
    await call(async () => {
      const r = await api<{ case: CaseView }>(`/cases/${encodeURIComponent(found.caseId)}`, { token });
      setKase(r.case);
      setPrint(null);
      setNotice(t('case.scanOpened', { no: r.case.receiptNo ?? r.case.id }));
    });
  };

  useDesk(token, {
    card: (c) => setCard({ nameMasked: c.nameMasked, usableUntil: c.usableUntil }),
    cardError: (e) => setError({ code: e.code, message: t('case.cardFailed', { why: errText(e.code, e.message) }), status: 409 } as ApiError),
    scan: (x) => void open(x.found),
  });
  const cardLive = card && Date.parse(card.usableUntil) > Date.now() ? card : null;

  // A closed accepted case keeps moving at central: look again now and then while it is shown.
  useEffect(() => {
    if (kase?.status !== 'closed' || (kase.outcome !== 'accepted' && kase.outcome !== 'accepted_pending') || kase.completedDay) return;
    const id = kase.id;
    const timer = setInterval(() => {
      api<{ case: CaseView }>(`/cases/${encodeURIComponent(id)}`, { token })
        .then((r) => setKase((cur) => (cur?.id === id ? r.case : cur)))
        .catch(() => undefined);
    }, 30_000);
    return () => clearInterval(timer);
  }, [kase?.id, kase?.status, kase?.completedDay, token]);

  // Resume the newest open draft of this window after a reload.
  useEffect(() => {
    api<{ cases: CaseView[] }>(`/cases?windowId=${encodeURIComponent(windowId)}&status=draft`, { token })
      .then((r) => r.cases[0] && setKase(r.cases[0]))
      .catch(() => undefined);
  }, [token, windowId]);

  // C focuses the case form and D scans pages into the draft, as the queue actions have their single keys.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const key = e.key.toUpperCase();
      if ((key !== 'C' && key !== 'D') || e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)) return;
      if (document.querySelector('.overlay')) return;
      e.preventDefault();
      if (key === 'D') {
        (document.querySelector('#case-panel [data-action="scan-pages"]:not([disabled])') as HTMLElement | null)?.click();
        return;
      }
      document.getElementById('case-panel')?.scrollIntoView({ block: 'nearest' });
      (document.querySelector('#case-panel [data-first]') as HTMLElement | null)?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const call = async <T,>(fn: () => Promise<T>): Promise<T | null> => {
    if (busy) return null;
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(asApiError(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="c-case card" id="case-panel" data-case={kase?.id ?? ''} data-status={kase?.status ?? 'none'}>
      <div class="c-panel-head">
        <h2>{t('case.title')}</h2>
        <kbd title={t('case.shortcut')}>C</kbd>
        {kase && (
          <span class="c-case-no num">
            {kase.receiptNo ?? kase.id}
            {kase.ticketNumber ? ` · ${t('case.ticket', { number: kase.ticketNumber })}` : ''}
          </span>
        )}
        <form
          class="c-lookup"
          onSubmit={(e) => {
            e.preventDefault();
            const code = lookupCode.trim();
            if (!code) return;
            void call(async () => {
              try {
                await open(await api<CaseLookup>(`/cases/lookup?code=${encodeURIComponent(code)}`, { token }));
                setLookupCode('');
              } catch (err) {
                if (asApiError(err).code === 'CASE_NOT_FOUND') return void open({ kind: 'none' });
                throw err;
              }
            });
          }}
        >
          <input aria-label={t('case.lookup')} placeholder={t('case.lookup')} maxLength={80} value={lookupCode} onInput={(e) => setLookupCode(e.currentTarget.value)} />
          <button type="submit" class="btn btn-ghost" disabled={busy || !lookupCode.trim()}>
            {t('case.lookupGo')}
          </button>
        </form>
      </div>
      {notice && (
        <p class="c-result is-ok" role="status" data-notice>
          {notice}
        </p>
      )}
      {cardLive && !kase && (
        <p class="c-card-read" role="status" data-card>
          {t('case.cardRead', { name: safeText(cardLive.nameMasked) })} <small>{t('case.cardReadUntil', { time: hallTime(cardLive.usableUntil, true) })}</small>
        </p>
      )}
      {!kase && <NewCase snap={snap} busy={busy} firstRef={first} onCreate={(body) => call(async () => setKase((await api<{ case: CaseView }>('/cases', { method: 'POST', body: { windowId, ...body }, token })).case))} />}
      {kase?.status === 'draft' && (
        <Draft
          kase={kase}
          busy={busy}
          token={token}
          onChange={setKase}
          call={call}
          onDecided={(c, p) => {
            setKase(c);
            setPrint(p);
          }}
          onDiscard={() => setKase(null)}
        />
      )}
      {kase?.status === 'closed' && <Closed kase={kase} print={print} token={token} call={call} setPrint={setPrint} onChange={setKase} onNew={() => (setKase(null), setPrint(null))} />}
      <ErrorLine error={error} />
    </div>
  );
}

function NewCase(props: {
  snap: StaffSnapshot;
  busy: boolean;
  firstRef: { current: HTMLSelectElement | null };
  onCreate: (body: { serviceCode: string; useCard: true } | { serviceCode: string; applicant: { name: string; idNumber: string } }) => void;
}) {
  const [services, setServices] = useState<ServiceItem[]>([]);
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<'card' | 'typed'>('card');
  const [applicantName, setApplicantName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const sectionIds = props.snap.window.sectionIds;

  useEffect(() => {
    let live = true;
    Promise.all(sectionIds.map((s) => api<Omit<ServiceItem, 'sectionId'>[]>(`/sections/${encodeURIComponent(s)}/services`).then((l) => l.map((x) => ({ ...x, sectionId: s })))))
      .then((lists) => live && setServices(lists.flat()))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [sectionIds.join(',')]);

  const ready = !!code && (mode === 'card' || (applicantName.trim() !== '' && idNumber.trim().length === 18));
  return (
    <form
      class="c-case-new"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready || props.busy) return;
        props.onCreate(mode === 'card' ? { serviceCode: code, useCard: true } : { serviceCode: code, applicant: { name: applicantName.trim(), idNumber: idNumber.trim().toUpperCase() } });
        setIdNumber('');
      }}
    >
      <div class="field">
        <label for="case-service">{t('case.service')}</label>
        <select id="case-service" data-first ref={props.firstRef} value={code} onChange={(e) => setCode(e.currentTarget.value)}>
          <option value="">{t('case.pickService')}</option>
          {services.map((s) => (
            <option value={s.code}>
              {s.code} · {name(s.name, s.nameEn)} · {s.kind === 'immediate' ? t('case.kind.immediate') : t('case.kind.promised', { n: s.promisedLimitDays })}
            </option>
          ))}
        </select>
      </div>
      <fieldset class="c-seg" role="radiogroup" aria-label={t('case.applicant')}>
        {(['card', 'typed'] as const).map((m) => (
          <button type="button" role="radio" aria-checked={mode === m} class={mode === m ? 'is-on' : ''} onClick={() => setMode(m)}>
            {t(m === 'card' ? 'case.fromCard' : 'case.typed')}
          </button>
        ))}
      </fieldset>
      {mode === 'card' ? (
        <p class="c-hint">{t('case.cardHint')}</p>
      ) : (
        <div class="c-case-typed">
          <div class="field">
            <label for="case-name">{t('case.name')}</label>
            <input id="case-name" maxLength={60} autoComplete="off" value={applicantName} onInput={(e) => setApplicantName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="case-id">{t('case.idNumber')}</label>
            <input id="case-id" maxLength={18} autoComplete="off" inputMode="text" spellcheck={false} value={idNumber} onInput={(e) => setIdNumber(e.currentTarget.value)} />
          </div>
        </div>
      )}
      <button type="submit" class="btn btn-primary" disabled={!ready || props.busy} data-action="create-case">
        {mode === 'card' ? t('case.fromCard') : t('case.create')}
      </button>
    </form>
  );
}

type Caller = <T>(fn: () => Promise<T>) => Promise<T | null>;

async function upload(caseId: string, file: File, token: string): Promise<CaseView> {
  const res = await fetch(`${API_PREFIX}/cases/${encodeURIComponent(caseId)}/pages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = (await res.json().catch(() => null)) as { case?: CaseView } | null;
  if (!res.ok || !body?.case) throw errorFromBody(body, res.status);
  return body.case;
}

function Draft(props: {
  kase: CaseView;
  busy: boolean;
  token: string;
  call: Caller;
  onChange: (c: CaseView) => void;
  onDecided: (c: CaseView, print: { printed: boolean; code?: string; message?: string }) => void;
  onDiscard: () => void;
}) {
  const { kase, token, call } = props;
  const [outcome, setOutcome] = useState<CaseOutcome | ''>('');
  const [commitment, setCommitment] = useState('');
  const [reason, setReason] = useState('');
  const [basis, setBasis] = useState('');
  const [remark, setRemark] = useState('');
  const path = `/cases/${encodeURIComponent(kase.id)}`;

  const setState = (materialName: string, state: MaterialState, note?: string) =>
    call(async () => {
      const r = await api<{ case: CaseView }>(`${path}/materials`, { method: 'PUT', token, body: { materials: [{ name: materialName, state, ...(note ? { note } : {}) }] } });
      props.onChange(r.case);
    });

  const ready =
    !!outcome && (outcome !== 'accepted_pending' || commitment.trim() !== '') && (outcome !== 'refused' || (reason.trim() !== '' && basis.trim() !== ''));

  return (
    <div class="c-case-draft">
      <div class="c-case-meta">
        <b>{kase.serviceCode}</b> {kase.serviceName}
        <span class="c-case-applicant" data-applicant>
          {t('case.applicant')}：{safeText(kase.applicant.nameMasked)} · <span class="num">{kase.applicant.idMasked}</span>
        </span>
      </div>
      <h3>{t('case.materials')}</h3>
      <ul class="c-materials">
        {kase.materials.map((m, i) => (
          <li class={`m-${m.state}`} data-material={i}>
            <span class="c-m-name">
              {m.name}
              <small>
                {t(m.required ? 'case.required' : 'case.optional')} · {t('case.copies', { n: m.copies })}
              </small>
            </span>
            <span class="c-m-states" role="radiogroup">
              {STATES.map((s) => (
                <button
                  type="button"
                  role="radio"
                  aria-checked={m.state === s}
                  class={m.state === s ? 'is-on' : ''}
                  data-state={s}
                  disabled={props.busy}
                  onClick={() => setState(m.name, s, s === 'defective' ? m.note : undefined)}
                >
                  {t(`case.state.${s}` as MessageKey)}
                </button>
              ))}
            </span>
            {m.state === 'defective' && (
              <input
                class="c-m-note"
                aria-label={t('case.note')}
                placeholder={t('case.note')}
                maxLength={200}
                defaultValue={m.note ?? ''}
                onChange={(e) => setState(m.name, 'defective', e.currentTarget.value.trim() || undefined)}
              />
            )}
          </li>
        ))}
      </ul>
      <h3>
        {t('case.pages')} <small>{t('case.pagesCount', { n: kase.pages.length })}</small>
      </h3>
      <div class="c-pages">
        <button
          type="button"
          class="btn btn-primary c-scan"
          data-action="scan-pages"
          title={t('case.scanKey')}
          aria-keyshortcuts="D"
          disabled={props.busy}
          onClick={() =>
            call(async () => {
              const r = await api<{ case: CaseView; scanned: number }>(`${path}/scan`, { method: 'POST', token, body: {}, timeoutMs: 120_000 });
              props.onChange(r.case);
            })
          }
        >
          <kbd>D</kbd> {t('case.scan')}
        </button>
        {kase.pages.map((p) => (
          <span class="c-page" data-page={p.id}>
            <span class="num">{p.id.slice(0, 3)}</span>
            <button type="button" class="btn btn-ghost" disabled={props.busy} onClick={() => call(async () => props.onChange((await api<{ case: CaseView }>(`${path}/pages/${p.id}`, { method: 'DELETE', token })).case))}>
              {t('case.removePage')}
            </button>
          </span>
        ))}
        <label class="btn btn-ghost c-upload">
          {t('case.upload')}
          <input
            type="file"
            accept="image/jpeg,image/png,image/tiff,image/webp"
            multiple
            hidden
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              void call(async () => {
                for (const f of files) props.onChange(await upload(kase.id, f, token));
              });
            }}
          />
        </label>
      </div>
      <h3>{t('case.outcome')}</h3>
      <div class="c-outcomes" role="radiogroup">
        {OUTCOMES.filter((o) => o !== 'done' || kase.serviceKind === 'immediate').map((o) => (
          <button type="button" role="radio" aria-checked={outcome === o} class={outcome === o ? 'is-on' : ''} data-outcome={o} onClick={() => setOutcome(o)}>
            {t(`case.outcome.${o}` as MessageKey)}
          </button>
        ))}
      </div>
      {outcome === 'accepted_pending' && (
        <div class="field">
          <label for="case-commitment">{t('case.commitment')}</label>
          <textarea id="case-commitment" rows={2} maxLength={500} value={commitment} onInput={(e) => setCommitment(e.currentTarget.value)} />
        </div>
      )}
      {outcome === 'refused' && (
        <>
          <div class="field">
            <label for="case-reason">{t('case.reason')}</label>
            <textarea id="case-reason" rows={2} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="case-basis">{t('case.legalBasis')}</label>
            <input id="case-basis" maxLength={500} value={basis} onInput={(e) => setBasis(e.currentTarget.value)} />
          </div>
        </>
      )}
      {outcome && (
        <div class="field">
          <label for="case-remark">{t('case.remark')}</label>
          <input id="case-remark" maxLength={500} value={remark} onInput={(e) => setRemark(e.currentTarget.value)} />
        </div>
      )}
      <div class="dialog-actions">
        <button type="button" class="btn btn-ghost" onClick={props.onDiscard}>
          {t('case.cancelDraft')}
        </button>
        <button
          type="button"
          class="btn btn-primary"
          data-action="decide"
          disabled={!ready || props.busy}
          onClick={() =>
            call(async () => {
              const r = await api<{ case: CaseView; print: { printed: boolean; code?: string; message?: string } }>(`${path}/outcome`, {
                method: 'POST',
                token,
                timeoutMs: 60_000,
                body: {
                  outcome,
                  ...(outcome === 'accepted_pending' ? { commitment: commitment.trim() } : {}),
                  ...(outcome === 'refused' ? { reason: reason.trim(), legalBasis: basis.trim() } : {}),
                  ...(remark.trim() ? { remark: remark.trim() } : {}),
                },
              });
              props.onDecided(r.case, r.print);
            })
          }
        >
          {t('case.decide')}
        </button>
      </div>
    </div>
  );
}

async function openPdf(caseId: string, docName: string, token: string): Promise<void> {
  // The PDF needs the clerk's token, so it is fetched here and opened from memory.
  const res = await fetch(`${API_PREFIX}/cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(docName)}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw errorFromBody(await res.json().catch(() => null), res.status);
  const url = URL.createObjectURL(await res.blob());
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Closed(props: {
  kase: CaseView;
  print: { printed: boolean; code?: string; message?: string } | null;
  token: string;
  call: Caller;
  setPrint: (p: { printed: boolean; code?: string; message?: string }) => void;
  onChange: (c: CaseView) => void;
  onNew: () => void;
}) {
  const { kase, print, token, call } = props;
  const followed = kase.outcome === 'accepted' || kase.outcome === 'accepted_pending';
  const central: string | undefined = followed ? (kase.central ? t(`case.central.${kase.central.status as CentralCaseStatus}` as MessageKey) : t('case.central.pending')) : undefined;
  const rows: [MessageKey, string | undefined][] = [
    ['case.receiptNo', kase.receiptNo],
    ['case.promisedDue', kase.promisedDue],
    ['case.legalDue', kase.legalDue],
    ['case.commitmentDue', kase.commitmentDue],
    ['case.central', central],
    ['case.completedAt', kase.completedAt && followed ? `${kase.completedDay} ${hallTime(kase.completedAt)}` : undefined],
  ];
  return (
    <div class="c-case-closed" data-outcome={kase.outcome}>
      <p class="c-result is-ok" role="status">
        {t('case.closed', { outcome: t(`case.outcome.${kase.outcome!}` as MessageKey) })}
      </p>
      <dl class="c-case-facts">
        {rows
          .filter(([, v]) => !!v)
          .map(([k, v]) => (
            <>
              <dt>{t(k)}</dt>
              <dd class="num" data-fact={k}>
                {v}
              </dd>
            </>
          ))}
      </dl>
      <div class="c-docs">
        <span>{t('case.documents')}</span>
        {kase.documents.map((d) => (
          <button type="button" class="btn btn-ghost" data-doc={d.name} onClick={() => call(() => openPdf(kase.id, d.name, token))}>
            {t(d.kind === 'outcome' ? 'case.doc.outcome' : 'case.doc.materials')}
          </button>
        ))}
      </div>
      {print && (
        <p class={print.printed ? 'c-result is-ok' : 'c-hint'} data-printed={String(print.printed)}>
          {print.printed ? t('case.printed') : t('case.notPrinted', { why: print.code ? errText(print.code, print.message) : '' })}
        </p>
      )}
      {kase.outcome === 'accepted_pending' && kase.materials.some((m) => m.state !== 'provided') && (
        <p class="c-hint" data-open-materials>
          {t('case.stillMissing', { list: kase.materials.filter((m) => m.state !== 'provided').map((m) => m.name).join('、') })}{' '}
          <button
            type="button"
            class="btn btn-ghost"
            data-action="supplement"
            onClick={() => call(async () => props.onChange((await api<{ case: CaseView }>(`/cases/${encodeURIComponent(kase.id)}/supplement`, { method: 'POST', token, body: {} })).case))}
          >
            {t('case.supplement')}
          </button>
        </p>
      )}
      <div class="dialog-actions">
        <button
          type="button"
          class="btn btn-ghost"
          onClick={() => call(async () => props.setPrint(await api<{ printed: boolean; code?: string; message?: string }>(`/cases/${encodeURIComponent(kase.id)}/print`, { method: 'POST', token, body: {} })))}
        >
          {t('case.printAgain')}
        </button>
        <button type="button" class="btn btn-primary" data-first onClick={props.onNew}>
          {t('case.new')}
        </button>
      </div>
    </div>
  );
}
