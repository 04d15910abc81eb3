// Service guides (办事指南): every service of the hall, searchable by name, keyword, code or section, and
// the full 七公开 guide of one (basis, conditions, materials, procedure, limits, fees, contact), printable
// on the kiosk printer. In ticketing hours a guide also leads to a ticket or a booking for that service.

import { useEffect, useState } from 'preact/hooks';
import { api, asApiError } from '../ui-shared/api.js';
import { safeText } from '../ui-shared/format.js';
import { errText, name, t, tList } from '../ui-shared/page.js';
import type { GuideSummary, PrintOutcome, ServiceGuide } from './types.js';
import { ScreenHead } from './widgets.js';
import { kioskToken } from './key.js';

/** Lower-cased text a search runs over. */
function haystack(g: GuideSummary): string {
  return [g.name, g.nameEn ?? '', g.summary, g.code, g.sectionName, g.sectionNameEn ?? ''].join(' ').toLowerCase();
}

/** Every word of the query must appear (Chinese has no spaces: one word is the whole query). */
export function matchGuides(guides: GuideSummary[], query: string, sectionId: string | null): GuideSummary[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return guides.filter((g) => (!sectionId || g.sectionId === sectionId) && words.every((w) => haystack(g).includes(w)));
}

export function GuideList(props: { onOpen: (code: string) => void; onBack: () => void }) {
  const [guides, setGuides] = useState<GuideSummary[] | 'loading' | 'error'>('loading');
  const [query, setQuery] = useState('');
  const [sectionId, setSectionId] = useState<string | null>(null);

  const load = async () => {
    setGuides('loading');
    try {
      const list = await api<GuideSummary[]>('/guides');
      setGuides(Array.isArray(list) ? list : 'error');
    } catch {
      setGuides('error');
    }
  };
  useEffect(() => void load(), []);

  const sections = Array.isArray(guides) ? [...new Map(guides.map((g) => [g.sectionId, g])).values()] : [];
  const shown = Array.isArray(guides) ? matchGuides(guides, query, sectionId) : [];

  return (
    <section class="k-guides">
      <ScreenHead title={t('kiosk.guides.title')} onBack={props.onBack} />
      <label class="k-search">
        <span class="k-search-label">{t('kiosk.guides.searchLabel')}</span>
        <input
          type="search"
          value={query}
          placeholder={t('kiosk.guides.search')}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <div class="k-chips" role="group">
        {tList('kiosk.guides.keywords').map((k) => (
          <button type="button" class={`k-chip${query === k ? ' is-on' : ''}`} onClick={() => setQuery(query === k ? '' : k)}>
            {k}
          </button>
        ))}
      </div>
      <div class="k-chips" role="group">
        <button type="button" class={`k-chip${sectionId === null ? ' is-on' : ''}`} onClick={() => setSectionId(null)}>
          {t('kiosk.guides.all')}
        </button>
        {sections.map((g) => (
          <button type="button" class={`k-chip${sectionId === g.sectionId ? ' is-on' : ''}`} data-section={g.sectionId} onClick={() => setSectionId(g.sectionId)}>
            {name(g.sectionName, g.sectionNameEn)}
          </button>
        ))}
      </div>
      {guides === 'loading' ? (
        <p class="k-hint">{t('common.loading')}</p>
      ) : guides === 'error' ? (
        <div class="k-offer">
          <p>{t('kiosk.guides.failed')}</p>
          <button type="button" class="btn btn-primary k-big" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <>
          <p class="k-hint k-guides-count">{t('kiosk.guides.count', { n: shown.length })}</p>
          {shown.length === 0 ? (
            <p class="k-lead">{t('kiosk.guides.none')}</p>
          ) : (
            <ul class="k-services">
              {shown.map((g) => (
                <li class="k-service" data-service={g.code}>
                  <div class="k-service-text">
                    <div class="k-service-name">
                      {name(g.name, g.nameEn)}
                      <span class={`k-kind k-kind-${g.kind}`}>
                        {g.kind === 'immediate' ? t('kiosk.kind.immediate') : t('kiosk.kind.promised', { n: g.promisedLimitDays })}
                      </span>
                    </div>
                    <div class="k-service-summary">
                      {name(g.sectionName, g.sectionNameEn)} · {safeText(g.summary)}
                    </div>
                  </div>
                  <button type="button" class="btn btn-primary k-take" onClick={() => props.onOpen(g.code)}>
                    {t('kiosk.guides.open')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

type PrintState = 'idle' | 'printing' | PrintOutcome;

export function GuideDetail(props: {
  code: string;
  kioskId: string | undefined;
  /** Offered only while the kiosk takes tickets. */
  onTake: ((g: ServiceGuide) => void) | null;
  onBook: (g: ServiceGuide) => void;
  onBack: () => void;
}) {
  const [guide, setGuide] = useState<ServiceGuide | 'loading' | 'error'>('loading');
  const [print, setPrint] = useState<PrintState>('idle');

  const load = async () => {
    setGuide('loading');
    try {
      const g = await api<ServiceGuide>(`/services/${encodeURIComponent(props.code)}`);
      setGuide(g && Array.isArray(g.materials) ? g : 'error');
    } catch {
      setGuide('error');
    }
  };
  useEffect(() => void load(), [props.code]);

  const doPrint = async () => {
    if (!props.kioskId) {
      setPrint({ printed: false, error: { code: 'NO_PRINTER', message: '' } });
      return;
    }
    setPrint('printing');
    try {
      const out = await api<PrintOutcome>(`/kiosks/${encodeURIComponent(props.kioskId)}/print`, { method: 'POST', body: { guide: props.code }, timeoutMs: 30000, token: kioskToken(props.kioskId) });
      setPrint(out && (out.printed === true || out.error) ? out : { printed: false, error: { code: 'BAD_RESPONSE', message: '' } });
    } catch (e) {
      const err = asApiError(e);
      setPrint({ printed: false, error: { code: err.code, message: err.message } });
    }
  };

  if (guide === 'loading') return <div class="k-loading">{t('common.loading')}</div>;
  if (guide === 'error') {
    return (
      <section class="k-guide">
        <ScreenHead title={t('kiosk.guides.title')} onBack={props.onBack} />
        <div class="k-offer">
          <p>{t('kiosk.guides.failed')}</p>
          <button type="button" class="btn btn-primary k-big" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      </section>
    );
  }
  const g = guide;
  return (
    <section class="k-guide" data-service={g.code}>
      <ScreenHead title={name(g.name, g.nameEn)} onBack={props.onBack}>
        <span class="k-section-facts num">{t('kiosk.guide.code', { code: g.code })}</span>
      </ScreenHead>
      <p class="k-guide-summary">{safeText(g.summary)}</p>
      <div class="k-guide-body">
        <GuidePart id="basis" title={t('kiosk.guide.basis')}>
          <ul>
            {g.basis.map((b) => (
              <li>{safeText(b)}</li>
            ))}
          </ul>
        </GuidePart>
        <GuidePart id="conditions" title={t('kiosk.guide.conditions')}>
          <ol>
            {g.conditions.map((c) => (
              <li>{safeText(c)}</li>
            ))}
          </ol>
        </GuidePart>
        <GuidePart id="materials" title={t('kiosk.guide.materials')}>
          <ol class="k-materials">
            {g.materials.map((m) => (
              <li>
                <span>{safeText(m.name)}</span>
                <span class="k-material-tags">
                  <span class="num">{t('kiosk.guide.copies', { n: m.copies })}</span>
                  <span class={m.required ? 'is-required' : 'is-optional'}>{m.required ? t('kiosk.guide.required') : t('kiosk.guide.optional')}</span>
                  {m.note && <span>{safeText(m.note)}</span>}
                </span>
              </li>
            ))}
          </ol>
        </GuidePart>
        <GuidePart id="procedure" title={t('kiosk.guide.procedure')}>
          <ol>
            {g.procedure.map((p) => (
              <li>{safeText(p)}</li>
            ))}
          </ol>
        </GuidePart>
        <GuidePart id="limits" title={t('kiosk.guide.limits')}>
          <p>
            {g.kind === 'immediate'
              ? t('kiosk.guide.immediate', { legal: g.legalLimitDays })
              : t('kiosk.guide.promised', { promised: g.promisedLimitDays, legal: g.legalLimitDays })}
          </p>
        </GuidePart>
        <GuidePart id="fees" title={t('kiosk.guide.fees')}>
          <p>{safeText(g.fees)}</p>
        </GuidePart>
        <GuidePart id="contact" title={t('kiosk.guide.contact')}>
          <p>{safeText(g.contact)}</p>
        </GuidePart>
      </div>
      <div class="k-guide-actions">
        {print !== 'idle' && (
          <div
            class={`k-print ${print === 'printing' ? 'is-printing' : print.printed ? 'is-printed' : 'not-printed'}`}
            role="status"
            data-print={print === 'printing' ? 'printing' : String(print.printed)}
          >
            {print === 'printing'
              ? t('kiosk.guide.printing')
              : print.printed
                ? t('kiosk.guide.printed')
                : t('kiosk.guide.notPrinted', { message: errText(print.error.code, print.error.message) })}
          </div>
        )}
        <div class="k-actions">
          <button type="button" class="btn btn-ghost k-big" disabled={print === 'printing'} onClick={() => void doPrint()}>
            {t('kiosk.guide.print')}
          </button>
          <button type="button" class="btn btn-ghost k-big" onClick={() => props.onBook(g)}>
            {t('kiosk.guide.book')}
          </button>
          {props.onTake && (
            <button type="button" class="btn btn-primary k-big" onClick={() => props.onTake!(g)}>
              {t('kiosk.guide.take')}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

function GuidePart({ id, title, children }: { id: string; title: string; children: preact.ComponentChildren }) {
  return (
    <section class="k-guide-part" data-part={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
