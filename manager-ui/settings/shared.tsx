// What the settings forms share: saving through a manager route, the answer shown next to the button, and
// the server's per-field issues (`details.issues`) put next to the field they name.

import { Fragment, type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { HallSetup } from '../../server/hall/types.js';
import { api, asApiError, type ApiError } from '../../ui-shared/api.js';
import { isMessageKey, type Params } from '../../ui-shared/i18n/index.js';
import { issueText } from '../../ui-shared/issue-text.js';
import { errText, t } from '../../ui-shared/page.js';

export type Setup = HallSetup;
export type SectionCfg = HallSetup['sections'][number];
export type ServiceCfg = SectionCfg['services'][number];
export type WindowCfg = HallSetup['windows'][number];

export type NoteText = { ok: boolean; text: string } | null;
/** Field path (dots, e.g. `materials.0.name`) → the server's message. */
export type Issues = Record<string, string>;
type Method = 'PATCH' | 'PUT' | 'POST' | 'DELETE';

/**
 * A refusal in words: a setup conflict says what still depends on the item (tickets, bookings, windows,
 * devices) from its `details`; other codes use the error catalogue.
 */
export function refusalText(err: ApiError): string {
  const d = err.details ?? {};
  const key = `manager.conflict.${String(d.reason ?? '')}`;
  if ((err.code === 'SETUP_CONFLICT' || err.code === 'VALIDATION_FAILED') && isMessageKey(key)) {
    const params: Params = {};
    for (const [k, v] of Object.entries(d)) {
      if (typeof v === 'string' || typeof v === 'number') params[k] = v;
      else if (Array.isArray(v)) params[k] = v.join('、');
    }
    return t(key, params);
  }
  return errText(err.code, err.message);
}

/** The server's issues by field; paths in `a[0].b` form become `a.0.b`. */
export function issuesOf(err: ApiError): Issues {
  const out: Issues = {};
  const list = err.details?.issues;
  if (!Array.isArray(list)) return out;
  for (const i of list as { path?: unknown; message?: unknown; code?: unknown; params?: unknown }[]) {
    if (typeof i?.path !== 'string' || typeof i.message !== 'string') continue;
    const path = i.path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
    const text = issueText({ message: i.message, code: i.code, params: i.params });
    out[path] = out[path] ? `${out[path]}; ${text}` : text;
  }
  return out;
}

export function useSave(token: string, onSaved: () => void) {
  const [note, setNote] = useState<NoteText>(null);
  const [issues, setIssues] = useState<Issues>({});
  const [busy, setBusy] = useState(false);
  const run = async (path: string, method: Method, body: unknown): Promise<boolean> => {
    setBusy(true);
    setNote(null);
    setIssues({});
    try {
      await api(path, { method, body, token });
      setNote({ ok: true, text: t('manager.set.saved') });
      onSaved();
      return true;
    } catch (e) {
      const err = asApiError(e);
      setNote({ ok: false, text: refusalText(err) });
      setIssues(issuesOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { note, issues, busy, run, setNote };
}

export function Note({ note }: { note: NoteText }) {
  if (!note) return null;
  return (
    <span class={note.ok ? 'm-saved' : 'form-error'} role={note.ok ? 'status' : 'alert'}>
      {note.text}
    </span>
  );
}

/** Issues at `path` or inside it (`materials` shows `materials.1.name` too), each with what it names. */
export function FieldError({ issues, path }: { issues: Issues; path: string }) {
  const mine = Object.entries(issues).filter(([p]) => p === path || p.startsWith(`${path}.`));
  if (mine.length === 0) return null;
  return (
    <span class="form-error m-field-error" data-field-error={path}>
      {mine.map(([p, m]) => (p === path ? m : `${p.slice(path.length + 1)}: ${m}`)).join('; ')}
    </span>
  );
}

/** Issues no field of the form shows (e.g. a window that no longer serves any section). */
export function OtherIssues({ issues, fields }: { issues: Issues; fields: readonly string[] }) {
  const rest = Object.entries(issues).filter(([p]) => !fields.some((f) => p === f || p.startsWith(`${f}.`)));
  if (rest.length === 0) return null;
  return <p class="form-error m-field-error">{rest.map(([p, m]) => `${p}: ${m}`).join('; ')}</p>;
}

/** A labelled field with its issue underneath. */
export function Field({ label, path, issues, children, wide }: { label: string; path: string; issues: Issues; children: ComponentChildren; wide?: boolean }) {
  return (
    <label class={`m-field${wide ? ' m-wide' : ''}${Object.keys(issues).some((p) => p === path || p.startsWith(`${path}.`)) ? ' is-bad' : ''}`}>
      {label}
      {children}
      <FieldError issues={issues} path={path} />
    </label>
  );
}

export const toLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/** The fields of `next` that differ from `before` (compared as JSON), for a PATCH that names only changes. */
export function changes<T extends Record<string, unknown>>(before: Record<string, unknown>, next: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(v ?? null)) out[k] = v;
  }
  return out as Partial<T>;
}

/** Removal asks once more in the page; the server still has the last word (it refuses what something depends on). */
export function RemoveButton({ what, busy, onRemove }: { what: string; busy: boolean; onRemove: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="btn" data-act="remove" disabled={busy} onClick={() => setAsking(true)}>
        {t('manager.form.remove')}
      </button>
    );
  }
  return (
    <span class="m-confirm">
      <span>{t('manager.form.confirmRemove', { what })}</span>
      <button
        type="button"
        class="btn btn-danger"
        data-act="confirm-remove"
        disabled={busy}
        onClick={() => {
          setAsking(false);
          onRemove();
        }}
      >
        {t('manager.form.removeYes')}
      </button>
      <button type="button" class="btn" onClick={() => setAsking(false)}>
        {t('manager.form.cancel')}
      </button>
    </span>
  );
}

/**
 * A table of setup items (windows, sections) with the editor of one item opened under its row and the form
 * of a new one under the table. The form closes once the change is in force, and the card says so.
 */
export function EditableTable<T extends { id: string }>(props: {
  items: readonly T[];
  tableClass: string;
  head: ComponentChildren;
  columns: number;
  row: (item: T, onEdit: () => void) => ComponentChildren;
  form: (item: T | undefined, onSaved: () => void, onCancel: () => void) => ComponentChildren;
  addAct: string;
  addLabel: string;
  onSaved: () => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [flash, setFlash] = useState(false);
  const edit = (id: string | null) => {
    setFlash(false);
    setEditing(id);
  };
  const done = () => {
    setEditing(null);
    setFlash(true);
    props.onSaved();
  };
  return (
    <>
      <table class={props.tableClass}>
        {props.head}
        <tbody>
          {props.items.map((x) => (
            <Fragment key={x.id}>
              {props.row(x, () => edit(editing === x.id ? null : x.id))}
              {editing === x.id && (
                <tr class="m-edit-row">
                  <td colSpan={props.columns}>{props.form(x, done, () => edit(null))}</td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {editing === '' ? (
        props.form(undefined, done, () => edit(null))
      ) : (
        <div class="m-inline">
          <button type="button" class="btn" data-act={props.addAct} onClick={() => edit('')}>
            {props.addLabel}
          </button>
          {flash && <span class="m-saved">{t('manager.set.saved')}</span>}
        </div>
      )}
    </>
  );
}

/** A form's buttons: create or save, cancel where there is something to go back to, and the answer. */
export function FormButtons({ busy, submit, onCancel, note }: { busy: boolean; submit: string; onCancel?: () => void; note: NoteText }) {
  return (
    <div class="m-inline">
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {submit}
      </button>
      {onCancel && (
        <button type="button" class="btn" onClick={onCancel}>
          {t('manager.form.cancel')}
        </button>
      )}
      <Note note={note} />
    </div>
  );
}
