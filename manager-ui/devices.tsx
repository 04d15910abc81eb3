// The manager's device settings: every device of the hall (ID-card readers, printers, code scanners, LED
// buses, document scanners; local or behind a device agent) with its live status, edited in a form (kind,
// the kiosk or window it serves, how it is reached) or, for the options the form does not show, as JSON.
// The server checks each change as it checks the config files and answers per field (`details.issues[].field`);
// the form shows each refusal beside its input. A notice says when saved settings were set aside at start.

import { useEffect, useState } from 'preact/hooks';
import { api, asApiError } from '../ui-shared/api.js';
import { errText, t } from '../ui-shared/page.js';
import { issueText } from '../ui-shared/issue-text.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';
import './devices.css';

type Obj = Record<string, unknown>;
type Kind = 'idcard' | 'printer' | 'scanner' | 'ledbar' | 'docscan';
const KINDS: Kind[] = ['idcard', 'printer', 'scanner', 'ledbar', 'docscan'];

interface DeviceEntry extends Obj {
  id: string;
  kind: Kind;
}

interface WindowPlace {
  id: string;
  number: number;
  ledbarAddress?: number;
}

interface DeviceConfigView {
  devices: DeviceEntry[];
  agents: { id: string; name?: string }[];
  places: { kiosks: string[]; windows: WindowPlace[] };
  codecs: string[];
  docscan: boolean;
  notices: { file: string; reason: string; at: string; backup: string; message: string }[];
}

interface DeviceLive {
  id: string;
  status: 'online' | 'offline' | 'fault';
  detail?: string;
}

interface Issue {
  path: string;
  message: string;
  field?: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** Where each kind keeps its link and its place. */
const linkKey = (k: Kind) => (k === 'ledbar' ? 'link' : k === 'docscan' ? 'source' : 'transport');
const LINK_TYPES: Record<'transport' | 'link' | 'source', string[]> = {
  transport: ['sim', 'serial', 'tcp', 'lp', 'hid', 'agent'],
  link: ['sim', 'serial', 'tcp'],
  source: ['sim', 'sane', 'hotfolder'],
};

type FieldSpec = { key: string; label: MessageKey; type: 'text' | 'number' | 'select'; options?: string[] };
/** The fields of each link type the form shows; other options stay as they are (JSON view). */
function linkFields(k: Kind, type: string): FieldSpec[] {
  const path = { key: 'path', label: 'manager.dev.f.path', type: 'text' } as const;
  const baud = { key: 'baudRate', label: 'manager.dev.f.baudRate', type: 'number' } as const;
  const host = { key: 'host', label: 'manager.dev.f.host', type: 'text' } as const;
  const port = { key: 'port', label: 'manager.dev.f.port', type: 'number' } as const;
  switch (type) {
    case 'serial':
      return [path, baud];
    case 'tcp':
      return [host, port];
    case 'lp':
      return [path];
    case 'hid':
      return [path, { key: 'vendorId', label: 'manager.dev.f.vendorId', type: 'number' }, { key: 'productId', label: 'manager.dev.f.productId', type: 'number' }];
    case 'sim':
      return k === 'docscan'
        ? [
            { key: 'pages', label: 'manager.dev.f.pages', type: 'number' },
            { key: 'skewDegrees', label: 'manager.dev.f.skew', type: 'number' },
          ]
        : [];
    case 'sane':
      return [
        { key: 'device', label: 'manager.dev.f.saneDevice', type: 'text' },
        { key: 'resolution', label: 'manager.dev.f.resolution', type: 'number' },
        { key: 'mode', label: 'manager.dev.f.colour', type: 'select', options: ['Gray', 'Color', 'Lineart'] },
        { key: 'source', label: 'manager.dev.f.feed', type: 'select', options: ['Flatbed', 'ADF'] },
      ];
    case 'hotfolder':
      return [{ key: 'dir', label: 'manager.dev.f.dir', type: 'text' }];
    default:
      return [];
  }
}

/** A new device of a kind, with the settings a hall most often starts from. */
function template(kind: Kind, id: string): DeviceEntry {
  switch (kind) {
    case 'ledbar':
      return { id, kind, codec: 'aa-bb-51', gapMs: 50, link: { type: 'sim' }, windowIds: [] };
    case 'docscan':
      return { id, kind, windowId: '', source: { type: 'sim', pages: 2 } };
    case 'scanner':
      return { id, kind, attachedTo: '', mode: 'line', transport: { type: 'sim' } };
    case 'printer':
      return { id, kind, attachedTo: '', widthColumns: 48, transport: { type: 'sim' } };
    default:
      return { id, kind, attachedTo: '', transport: { type: 'sim' } };
  }
}

function placeText(d: DeviceEntry, windows: WindowPlace[]): string {
  const win = (id: string) => {
    const w = windows.find((x) => x.id === id);
    return w ? t('window.label', { n: w.number }) : id;
  };
  if (d.kind === 'ledbar') return ((d.windowIds as string[]) ?? []).map(win).join(' ');
  if (d.kind === 'docscan') return win(String(d.windowId));
  const at = String(d.attachedTo ?? '');
  return windows.some((w) => w.id === at) ? win(at) : at;
}

function linkText(d: DeviceEntry): string {
  const l = (d[linkKey(d.kind)] ?? {}) as Obj;
  return Object.entries(l)
    .map(([k, v]) => (k === 'type' ? String(v) : `${k}=${String(v)}`))
    .join(' ');
}

const kindLabel = (k: string) => (KINDS.includes(k as Kind) ? t(`manager.dev.kind.${k as Kind}`) : k);

export function Devices({ token }: { token: string }) {
  const [cfg, setCfg] = useState<{ data?: DeviceConfigView; error?: string }>({});
  const [live, setLive] = useState<DeviceLive[]>([]);
  const [editing, setEditing] = useState<{ device: DeviceEntry; isNew: boolean } | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let on = true;
    api<DeviceConfigView>('/manager/devices/config', { token }).then(
      (data) => on && setCfg({ data }),
      (e) => {
        const err = asApiError(e);
        if (on) setCfg({ error: errText(err.code, err.message) });
      },
    );
    const loadLive = () =>
      api<DeviceLive[]>('/devices', { token }).then(
        (d) => on && setLive(d),
        () => undefined,
      );
    void loadLive();
    // A new driver reports its health a moment after it opens.
    const again = setTimeout(loadLive, 900);
    return () => {
      on = false;
      clearTimeout(again);
    };
  }, [token, tick]);

  if (cfg.error) return null; // a hall without a device registry has no such section
  const view = cfg.data;
  const devices = view?.devices ?? [];
  const liveOf = (id: string) => live.find((d) => d.id === id);
  const reload = () => setTick((n) => n + 1);

  const remove = async (id: string) => {
    setNote(null);
    try {
      await api(`/manager/devices/config/${encodeURIComponent(id)}`, { method: 'DELETE', token });
      setNote({ ok: true, text: t('manager.set.saved') });
      if (editing?.device.id === id) setEditing(null);
      reload();
    } catch (e) {
      const err = asApiError(e);
      setNote({ ok: false, text: errText(err.code, err.message) });
    }
  };
  const dismiss = async () => {
    await api('/manager/devices/notices', { method: 'DELETE', token }).catch(() => undefined);
    reload();
  };

  return (
    <section class="card m-dev-config">
      <h2>{t('manager.set.devices')}</h2>
      {view && view.notices.length > 0 && (
        <div class="m-dev-notice" role="alert">
          {view.notices.map((n) => (
            <p data-notice={n.file}>{t(n.reason === 'invalid' ? 'manager.dev.notice.invalid' : 'manager.dev.notice.changed', { file: n.file, backup: n.backup })}</p>
          ))}
          <button type="button" class="btn" data-act="dismiss-notices" onClick={() => void dismiss()}>
            {t('manager.dev.notice.dismiss')}
          </button>
        </div>
      )}
      <table class="m-table">
        <thead>
          <tr>
            <th>{t('manager.dev.id')}</th>
            <th>{t('manager.dev.kind')}</th>
            <th>{t('manager.dev.place')}</th>
            <th>{t('manager.dev.transport')}</th>
            <th>{t('manager.dev.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => {
            const l = liveOf(d.id);
            return (
              <tr data-device-row={d.id} key={d.id}>
                <td class="num">{d.id}</td>
                <td>{kindLabel(d.kind)}</td>
                <td class="num">{placeText(d, view!.places.windows)}</td>
                <td class="num" data-transport>
                  {linkText(d)}
                </td>
                <td data-status={l?.status ?? ''} title={l?.detail ?? ''}>
                  {l ? t(`manager.device.${l.status}`) : '—'}
                </td>
                <td>
                  <button type="button" class="btn" data-act="edit" onClick={() => setEditing({ device: d, isNew: false })}>
                    {t('manager.dev.edit')}
                  </button>
                  <button type="button" class="btn" data-act="remove" onClick={() => void remove(d.id)}>
                    {t('manager.dev.remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="m-inline">
        <button type="button" class="btn" data-act="add" onClick={() => setEditing({ device: template('printer', ''), isNew: true })}>
          {t('manager.dev.add')}
        </button>
        {note && <span class={note.ok ? 'm-saved' : 'form-error'}>{note.text}</span>}
      </div>
      {editing && view && (
        <DeviceForm
          key={`${editing.device.id}|${editing.isNew}`}
          initial={editing.device}
          isNew={editing.isNew}
          view={view}
          token={token}
          onSaved={(id) => {
            setEditing(null);
            setNote({ ok: true, text: t('manager.dev.savedLive', { id }) });
            reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </section>
  );
}

function DeviceForm({
  initial,
  isNew,
  view,
  token,
  onSaved,
  onCancel,
}: {
  initial: DeviceEntry;
  isNew: boolean;
  view: DeviceConfigView;
  token: string;
  onSaved: (id: string) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<DeviceEntry>(structuredClone(initial));
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const kind = draft.kind;
  const lk = linkKey(kind);
  const link = (draft[lk] ?? { type: 'sim' }) as Obj;

  const set = (key: string, value: unknown) => {
    const next = { ...draft } as Obj;
    if (value === undefined) delete next[key];
    else next[key] = value;
    setDraft(next as DeviceEntry);
  };
  const setLink = (key: string, value: unknown) => {
    const next = { ...link };
    if (value === undefined) delete next[key];
    else next[key] = value;
    set(lk, next);
  };
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

  /** The server's issue for this field (or one of its items, e.g. windowIds[1] for windowIds). */
  const issueOf = (field: string) => issues.find((i) => i.field === field || (i.field ?? '').replace(/\[\d+\]$/, '') === field);
  const shownFields = new Set<string>(['id', 'kind', 'attachedTo', 'windowId', 'windowIds', 'mode', 'widthColumns', 'codec', 'gapMs', `${lk}.type`, `${lk}.agent`]);
  for (const f of linkFields(kind, String(link.type))) shownFields.add(`${lk}.${f.key}`);
  const otherIssues = issues.filter((i) => {
    const f = (i.field ?? '').replace(/\[\d+\]$/, '');
    return i.field === undefined || !shownFields.has(f);
  });
  const FieldError = ({ field }: { field: string }) => {
    const i = issueOf(field);
    return i ? (
      <span class="form-error m-field-error" data-error-for={field}>
        {i.message}
      </span>
    ) : null;
  };

  const toJson = () => {
    setText(JSON.stringify(draft, null, 2));
    setMode('json');
  };
  const toForm = () => {
    try {
      const parsed = JSON.parse(text) as DeviceEntry;
      setDraft(parsed);
      setMode('form');
      setError(null);
    } catch {
      setError(t('manager.dev.badJson'));
    }
  };

  const save = async () => {
    let body: DeviceEntry = draft;
    if (mode === 'json') {
      try {
        body = JSON.parse(text) as DeviceEntry;
      } catch {
        setError(t('manager.dev.badJson'));
        return;
      }
    }
    const id = String(body.id ?? '').trim();
    if (!id) {
      setIssues([{ path: 'id', field: 'id', message: t('manager.dev.needId') }]);
      return;
    }
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      await api(`/manager/devices/config/${encodeURIComponent(id)}`, { method: 'PUT', token, body: { ...body, id } });
      onSaved(id);
    } catch (e) {
      const err = asApiError(e);
      const list = Array.isArray(err.details?.issues) ? (err.details.issues as Issue[]).map((i) => ({ ...i, message: issueText(i) })) : [];
      setIssues(list);
      setError(list.length > 0 ? t('manager.dev.fixFields') : errText(err.code, err.message));
    } finally {
      setBusy(false);
    }
  };

  const windows = view.places.windows;
  const places = [...view.places.kiosks.map((k) => ({ id: k, label: k })), ...windows.map((w) => ({ id: w.id, label: `${t('window.label', { n: w.number })} (${w.id})` }))];
  const linkTypes = LINK_TYPES[lk].filter((x) => x !== 'agent' || view.agents.length > 0);

  return (
    <div class="m-dev-form" data-editing={isNew ? '' : initial.id}>
      <h3>{isNew ? t('manager.dev.add') : t('manager.dev.editing', { id: initial.id })}</h3>
      <div class="m-inline m-dev-views" role="group">
        <button type="button" class={`btn${mode === 'form' ? ' btn-primary' : ''}`} data-act="form-view" onClick={() => mode === 'json' && toForm()}>
          {t('manager.dev.formView')}
        </button>
        <button type="button" class={`btn${mode === 'json' ? ' btn-primary' : ''}`} data-act="json-view" onClick={() => mode === 'form' && toJson()}>
          {t('manager.dev.jsonView')}
        </button>
      </div>
      {mode === 'json' ? (
        <div class="m-json">
          <p class="m-hint">{t('manager.dev.hint')}</p>
          <textarea name="device" rows={12} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        </div>
      ) : (
        <div class="m-dev-fields">
          <label>
            <span>{t('manager.dev.id')}</span>
            <input name="id" aria-invalid={issueOf('id') ? 'true' : undefined} value={draft.id} disabled={!isNew} onInput={(e) => set('id', (e.target as HTMLInputElement).value)} />
            <FieldError field="id" />
          </label>
          <label>
            <span>{t('manager.dev.kind')}</span>
            <select
              name="kind"
              value={kind}
              disabled={!isNew}
              onChange={(e) => {
                setIssues([]);
                setDraft(template((e.target as HTMLSelectElement).value as Kind, draft.id));
              }}
            >
              {KINDS.filter((k) => k !== 'docscan' || view.docscan).map((k) => (
                <option value={k}>{kindLabel(k)}</option>
              ))}
            </select>
            <FieldError field="kind" />
          </label>

          {kind === 'ledbar' ? (
            <fieldset class="m-dev-windows">
              <legend>{t('manager.dev.f.windows')}</legend>
              {windows
                .filter((w) => w.ledbarAddress !== undefined)
                .map((w) => {
                  const ids = (draft.windowIds as string[]) ?? [];
                  return (
                    <label class="m-check">
                      <input
                        type="checkbox"
                        name="windowIds"
                        value={w.id}
                        checked={ids.includes(w.id)}
                        onChange={() => set('windowIds', ids.includes(w.id) ? ids.filter((x) => x !== w.id) : [...ids, w.id])}
                      />
                      {t('manager.dev.f.windowAt', { n: w.number, address: w.ledbarAddress! })}
                    </label>
                  );
                })}
              <FieldError field="windowIds" />
            </fieldset>
          ) : kind === 'docscan' ? (
            <label>
              <span>{t('manager.dev.place')}</span>
              <select name="windowId" value={String(draft.windowId ?? '')} onChange={(e) => set('windowId', (e.target as HTMLSelectElement).value)}>
                <option value="">—</option>
                {windows.map((w) => (
                  <option value={w.id}>{`${t('window.label', { n: w.number })} (${w.id})`}</option>
                ))}
              </select>
              <FieldError field="windowId" />
            </label>
          ) : (
            <label>
              <span>{t('manager.dev.place')}</span>
              <select name="attachedTo" aria-invalid={issueOf('attachedTo') ? 'true' : undefined} value={String(draft.attachedTo ?? '')} onChange={(e) => set('attachedTo', (e.target as HTMLSelectElement).value)}>
                <option value="">—</option>
                {places.map((p) => (
                  <option value={p.id}>{p.label}</option>
                ))}
              </select>
              <FieldError field="attachedTo" />
            </label>
          )}

          {kind === 'scanner' && (
            <label>
              <span>{t('manager.dev.f.scanMode')}</span>
              <select name="mode" value={String(draft.mode ?? 'line')} onChange={(e) => set('mode', (e.target as HTMLSelectElement).value)}>
                <option value="line">{t('manager.dev.f.mode.line')}</option>
                <option value="hid">{t('manager.dev.f.mode.hid')}</option>
              </select>
              <FieldError field="mode" />
            </label>
          )}
          {kind === 'printer' && (
            <label>
              <span>{t('manager.dev.f.width')}</span>
              <input name="widthColumns" type="number" value={draft.widthColumns === undefined ? '' : String(draft.widthColumns)} onInput={(e) => set('widthColumns', num((e.target as HTMLInputElement).value))} />
              <FieldError field="widthColumns" />
            </label>
          )}
          {kind === 'ledbar' && (
            <>
              <label>
                <span>{t('manager.dev.f.codec')}</span>
                <select name="codec" value={String(draft.codec ?? '')} onChange={(e) => set('codec', (e.target as HTMLSelectElement).value)}>
                  {view.codecs.map((c) => (
                    <option value={c}>{c}</option>
                  ))}
                </select>
                <FieldError field="codec" />
              </label>
              <label>
                <span>{t('manager.dev.f.gap')}</span>
                <input name="gapMs" type="number" value={draft.gapMs === undefined ? '' : String(draft.gapMs)} onInput={(e) => set('gapMs', num((e.target as HTMLInputElement).value))} />
                <FieldError field="gapMs" />
              </label>
            </>
          )}

          <label>
            <span>{t('manager.dev.transport')}</span>
            <select
              name={`${lk}.type`}
              value={String(link.type)}
              onChange={(e) => {
                const type = (e.target as HTMLSelectElement).value;
                set(lk, type === 'agent' ? { type, agent: view.agents[0]?.id ?? '' } : { type });
              }}
            >
              {linkTypes.map((x) => (
                <option value={x}>{t(`manager.dev.link.${x as 'sim'}`)}</option>
              ))}
            </select>
            <FieldError field={`${lk}.type`} />
          </label>
          {link.type === 'agent' && (
            <label>
              <span>{t('manager.dev.f.agent')}</span>
              <select name={`${lk}.agent`} value={String(link.agent ?? '')} onChange={(e) => setLink('agent', (e.target as HTMLSelectElement).value)}>
                {view.agents.map((a) => (
                  <option value={a.id}>{a.name ? `${a.name} (${a.id})` : a.id}</option>
                ))}
              </select>
              <FieldError field={`${lk}.agent`} />
            </label>
          )}
          {linkFields(kind, String(link.type)).map((f) => {
            const field = `${lk}.${f.key}`;
            const v = link[f.key];
            return (
              <label>
                <span>{t(f.label)}</span>
                {f.type === 'select' ? (
                  <select name={field} value={v === undefined ? '' : String(v)} onChange={(e) => setLink(f.key, (e.target as HTMLSelectElement).value || undefined)}>
                    <option value="">—</option>
                    {f.options!.map((o) => (
                      <option value={o}>{o}</option>
                    ))}
                  </select>
                ) : (
                  <input
                    name={field}
                    type={f.type}
                    aria-invalid={issueOf(field) ? 'true' : undefined}
                    value={v === undefined ? '' : String(v)}
                    onInput={(e) => {
                      const raw = (e.target as HTMLInputElement).value;
                      setLink(f.key, f.type === 'number' ? num(raw) : raw === '' ? undefined : raw);
                    }}
                  />
                )}
                <FieldError field={field} />
              </label>
            );
          })}
        </div>
      )}
      {otherIssues.length > 0 && (
        <ul class="m-dev-issues">
          {otherIssues.map((i) => (
            <li class="form-error">{`${i.field ?? i.path}: ${i.message}`}</li>
          ))}
        </ul>
      )}
      <div class="m-inline">
        <button type="button" class="btn btn-primary" data-act="save-device" disabled={busy} onClick={() => void save()}>
          {t('manager.set.save')}
        </button>
        <button type="button" class="btn" data-act="cancel-device" onClick={onCancel}>
          {t('manager.dev.cancel')}
        </button>
        {error && <span class="form-error">{error}</span>}
      </div>
    </div>
  );
}
