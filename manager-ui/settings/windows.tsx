// Windows (窗口): the sections each serves, changed in its row at once (the most common change of a day), and
// the whole window (number, names, sections in order, policy and weights) in a form. Add and remove; the
// server refuses to remove a window a clerk is signed in to, one with tickets transferred to it, with
// devices attached, or the last window of a section.

import { useEffect, useState } from 'preact/hooks';
import { name, t } from '../../ui-shared/page.js';
import { changes, EditableTable, Field, Note, OtherIssues, RemoveButton, type Setup, useSave, type WindowCfg, FormButtons } from './shared.js';

const POLICIES = ['fifo', 'strict', 'weighted'] as const;

export function WindowsCard({ setup, token, onSaved }: { setup: Setup; token: string; onSaved: () => void }) {
  return (
    <section class="card m-windows">
      <h2>{t('manager.set.windows')}</h2>
      <EditableTable
        items={setup.windows}
        tableClass="m-table m-win-table"
        columns={3}
        head={null}
        row={(w, onEdit) => <WindowRow w={w} sections={setup.sections} token={token} onSaved={onSaved} onEdit={onEdit} />}
        form={(w, saved, cancel) => <WindowForm {...(w ? { w } : {})} setup={setup} token={token} onSaved={saved} onCancel={cancel} />}
        addAct="add-window"
        addLabel={t('manager.win.add')}
        onSaved={onSaved}
      />
    </section>
  );
}

function WindowRow({ w, sections, token, onSaved, onEdit }: { w: WindowCfg; sections: Setup['sections']; token: string; onSaved: () => void; onEdit: () => void }) {
  const [chosen, setChosen] = useState<string[]>(w.sectionIds);
  const served = w.sectionIds.join(',');
  useEffect(() => setChosen(w.sectionIds), [served]);
  const { note, busy, run } = useSave(token, onSaved);
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  const changed = chosen.join(',') !== served;
  return (
    <tr data-window-row={w.id}>
      <td class="m-strong">
        {t('window.label', { n: w.number })} {name(w.name, w.nameEn)}
        <div class="m-muted">{t(`manager.win.policy.${w.policy}`)}</div>
      </td>
      <td class="m-checks">
        {sections.map((x) => (
          <label class="m-check">
            <input type="checkbox" checked={chosen.includes(x.id)} data-section={x.id} onChange={() => toggle(x.id)} />
            <span class="m-letter">{x.prefix}</span>
            {name(x.name, x.nameEn)}
          </label>
        ))}
      </td>
      <td class="m-row-acts">
        <button type="button" class="btn btn-primary" disabled={busy || !changed || chosen.length === 0} onClick={() => void run(`/manager/windows/${w.id}`, 'PATCH', { sectionIds: chosen })}>
          {t('manager.set.save')}
        </button>
        <button type="button" class="btn" data-act="edit" onClick={onEdit}>
          {t('manager.dev.edit')}
        </button>
        <RemoveButton what={t('window.label', { n: w.number })} busy={busy} onRemove={() => void run(`/manager/windows/${w.id}`, 'DELETE', undefined)} />
        <Note note={note} />
      </td>
    </tr>
  );
}

interface WindowFormState {
  id: string;
  number: string;
  name: string;
  nameEn: string;
  sectionIds: string[];
  policy: WindowCfg['policy'];
  weights: Record<string, string>;
}

const FIELDS = ['id', 'number', 'name', 'nameEn', 'sectionIds', 'policy', 'weights'] as const;

function WindowForm({ w, setup, token, onSaved, onCancel }: { w?: WindowCfg; setup: Setup; token: string; onSaved: () => void; onCancel: () => void }) {
  const isNew = w === undefined;
  const next = Math.max(0, ...setup.windows.map((x) => x.number)) + 1;
  const [form, setForm] = useState<WindowFormState>({
    id: w?.id ?? `w${next}`,
    number: String(w?.number ?? next),
    name: w?.name ?? t('window.label', { n: next }),
    nameEn: w?.nameEn ?? '',
    sectionIds: w?.sectionIds ?? [],
    policy: w?.policy ?? 'fifo',
    weights: Object.fromEntries(Object.entries(w?.weights ?? {}).map(([k, v]) => [k, String(v)])),
  });
  const { note, issues, busy, run } = useSave(token, onSaved);
  const toggle = (id: string) => setForm({ ...form, sectionIds: form.sectionIds.includes(id) ? form.sectionIds.filter((x) => x !== id) : [...form.sectionIds, id] });
  const body = (): Record<string, unknown> => {
    const weights = Object.fromEntries(form.sectionIds.filter((id) => form.weights[id]?.trim()).map((id) => [id, Number(form.weights[id])]));
    const b: Record<string, unknown> = {
      number: Number(form.number),
      name: form.name.trim(),
      sectionIds: form.sectionIds,
      policy: form.policy,
    };
    if (form.nameEn.trim()) b.nameEn = form.nameEn.trim();
    else if (!isNew) b.nameEn = null;
    if (form.policy === 'weighted' && Object.keys(weights).length) b.weights = weights;
    else if (!isNew) b.weights = null;
    return isNew ? { id: form.id.trim(), ...b } : b;
  };
  const text = (k: 'id' | 'number' | 'name' | 'nameEn', type = 'text') => (
    <Field label={t(`manager.win.${k}`)} path={k} issues={issues}>
      <input type={type} name={k} class={type === 'number' ? 'm-num' : ''} value={form[k]} onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </Field>
  );
  return (
    <form
      class="m-win-form"
      data-window={w?.id ?? ''}
      onSubmit={(e) => {
        e.preventDefault();
        if (isNew) void run('/manager/windows', 'POST', body());
        else {
          const before: Record<string, unknown> = { number: w.number, name: w.name, sectionIds: w.sectionIds, policy: w.policy, nameEn: w.nameEn ?? null, weights: w.weights ?? null };
          void run(`/manager/windows/${w.id}`, 'PATCH', changes(before, body()));
        }
      }}
    >
      <h3>{isNew ? t('manager.win.add') : `${t('window.label', { n: w.number })} ${name(w.name, w.nameEn)}`}</h3>
      <div class="m-inline">
        {isNew && text('id')}
        {text('number', 'number')}
        {text('name')}
        {text('nameEn')}
        <Field label={t('manager.win.policy')} path="policy" issues={issues}>
          <select name="policy" value={form.policy} onChange={(e) => setForm({ ...form, policy: (e.target as HTMLSelectElement).value as WindowCfg['policy'] })}>
            {POLICIES.map((p) => (
              <option value={p}>{t(`manager.win.policy.${p}`)}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t('manager.win.sections')} path="sectionIds" issues={issues} wide>
        <span class="m-checks">
          {setup.sections.map((x) => {
            const at = form.sectionIds.indexOf(x.id);
            return (
              <span class="m-check" data-form-section={x.id}>
                <input type="checkbox" name="sectionId" value={x.id} checked={at >= 0} onChange={() => toggle(x.id)} />
                <span class="m-letter">{x.prefix}</span>
                {name(x.name, x.nameEn)}
                {at >= 0 && form.policy === 'strict' && <span class="m-order num">{at + 1}</span>}
                {at >= 0 && form.policy === 'weighted' && (
                  <input
                    type="number"
                    class="m-num"
                    min={1}
                    max={100}
                    name={`weight-${x.id}`}
                    aria-label={t('manager.win.weight')}
                    placeholder="1"
                    value={form.weights[x.id] ?? ''}
                    onInput={(e) => setForm({ ...form, weights: { ...form.weights, [x.id]: (e.target as HTMLInputElement).value } })}
                  />
                )}
              </span>
            );
          })}
        </span>
      </Field>
      <p class="m-hint">{t(`manager.win.policyHint.${form.policy}`)}</p>
      <OtherIssues issues={issues} fields={FIELDS} />
      <FormButtons busy={busy} submit={isNew ? t('manager.win.create') : t('manager.set.save')} onCancel={onCancel} note={note} />
    </form>
  );
}
