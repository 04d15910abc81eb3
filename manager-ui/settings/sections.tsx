// Sections (业务板块): ticketing open or closed, daily capacity and target wait in the row; the whole section
// (prefix, names, ID card, service time, booking slots) in a form. A new section names the windows that
// will serve it and its first service. The server refuses to remove a section with live tickets or bookings
// still to come, or one a window serves alone.

import { useEffect, useState } from 'preact/hooks';
import { name, t } from '../../ui-shared/page.js';
import { serviceBody, ServiceFields, serviceForm, SERVICE_FIELDS } from './services.js';
import { changes, EditableTable, Field, FieldError, type Issues, Note, OtherIssues, RemoveButton, type SectionCfg, type Setup, useSave, FormButtons } from './shared.js';

export function SectionsCard({ setup, token, onSaved }: { setup: Setup; token: string; onSaved: () => void }) {
  return (
    <section class="card m-sections">
      <h2>{t('manager.set.sections')}</h2>
      <EditableTable
        items={setup.sections}
        tableClass="m-table"
        columns={5}
        head={
          <thead>
            <tr>
              <th>{t('manager.col.section')}</th>
              <th>{t('manager.set.ticketing')}</th>
              <th>{t('manager.set.capacity')}</th>
              <th>{t('manager.set.target')}</th>
              <th />
            </tr>
          </thead>
        }
        row={(x, onEdit) => <SectionRow x={x} token={token} onSaved={onSaved} onEdit={onEdit} />}
        form={(x, saved, cancel) => <SectionForm {...(x ? { x } : {})} setup={setup} token={token} onSaved={saved} onCancel={cancel} />}
        addAct="add-section"
        addLabel={t('manager.sec.add')}
        onSaved={onSaved}
      />
    </section>
  );
}

function SectionRow({ x, token, onSaved, onEdit }: { x: SectionCfg; token: string; onSaved: () => void; onEdit: () => void }) {
  const [open, setOpen] = useState(!x.closed);
  const [capacity, setCapacity] = useState(String(x.dailyCapacity));
  const [target, setTarget] = useState(String(x.targetWaitMinutes));
  // Changed in the form or elsewhere: the row shows what is in force.
  useEffect(() => {
    setOpen(!x.closed);
    setCapacity(String(x.dailyCapacity));
    setTarget(String(x.targetWaitMinutes));
  }, [x.closed, x.dailyCapacity, x.targetWaitMinutes]);
  const { note, issues, busy, run } = useSave(token, onSaved);
  return (
    <tr data-section-row={x.id}>
      <td>
        <span class="m-letter">{x.prefix}</span>
        {name(x.name, x.nameEn)}
      </td>
      <td>
        <label class="m-check">
          <input type="checkbox" checked={open} onChange={() => setOpen(!open)} />
          {open ? t('manager.open') : t('manager.closed')}
        </label>
      </td>
      <td>
        <input class="m-num" type="number" min={1} name="dailyCapacity" value={capacity} onInput={(e) => setCapacity((e.target as HTMLInputElement).value)} />
        <FieldError issues={issues} path="dailyCapacity" />
      </td>
      <td>
        <input class="m-num" type="number" min={1} name="targetWaitMinutes" value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} />
        <FieldError issues={issues} path="targetWaitMinutes" />
      </td>
      <td class="m-row-acts">
        <button
          type="button"
          class="btn"
          disabled={busy}
          onClick={() => void run(`/manager/sections/${x.id}`, 'PATCH', { closed: !open, dailyCapacity: Number(capacity), targetWaitMinutes: Number(target) })}
        >
          {t('manager.set.save')}
        </button>
        <button type="button" class="btn" data-act="edit" onClick={onEdit}>
          {t('manager.dev.edit')}
        </button>
        <RemoveButton what={`${x.prefix} ${x.name}`} busy={busy} onRemove={() => void run(`/manager/sections/${x.id}`, 'DELETE', undefined)} />
        <Note note={note} />
      </td>
    </tr>
  );
}

type Slot = { start: string; end: string; capacity: string };

interface SectionFormState {
  id: string;
  prefix: string;
  name: string;
  nameEn: string;
  closed: boolean;
  dailyCapacity: string;
  requireIdCard: boolean;
  defaultServiceMinutes: string;
  targetWaitMinutes: string;
  appointmentSlots: Slot[];
  windowIds: string[];
}

const FIELDS = ['id', 'prefix', 'name', 'nameEn', 'closed', 'dailyCapacity', 'requireIdCard', 'defaultServiceMinutes', 'targetWaitMinutes', 'appointmentSlots', 'windowIds'] as const;

/** The first letter no section uses yet. */
function freePrefix(setup: Setup): string {
  const used = new Set(setup.sections.map((x) => x.prefix));
  return [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].find((c) => !used.has(c)) ?? '';
}

/** Issues of a new section's first service come back as `services.0.*` from the whole-setup check. */
function asService(issues: Issues): Issues {
  return Object.fromEntries(Object.entries(issues).map(([p, m]) => [p.replace(/^services\.0\./, 'service.'), m]));
}

function SectionForm({ x, setup, token, onSaved, onCancel }: { x?: SectionCfg; setup: Setup; token: string; onSaved: () => void; onCancel: () => void }) {
  const isNew = x === undefined;
  const [form, setForm] = useState<SectionFormState>({
    id: x?.id ?? '',
    prefix: x?.prefix ?? freePrefix(setup),
    name: x?.name ?? '',
    nameEn: x?.nameEn ?? '',
    closed: x?.closed ?? false,
    dailyCapacity: String(x?.dailyCapacity ?? 200),
    requireIdCard: x?.requireIdCard ?? false,
    defaultServiceMinutes: String(x?.defaultServiceMinutes ?? 10),
    targetWaitMinutes: String(x?.targetWaitMinutes ?? 20),
    appointmentSlots: (x?.appointmentSlots ?? []).map((s) => ({ start: s.start, end: s.end, capacity: String(s.capacity) })),
    windowIds: [],
  });
  const [service, setService] = useState(serviceForm());
  const save = useSave(token, onSaved);
  const issues = asService(save.issues);
  const body = (): Record<string, unknown> => {
    const b: Record<string, unknown> = {
      prefix: form.prefix.trim().toUpperCase(),
      name: form.name.trim(),
      closed: form.closed,
      dailyCapacity: Number(form.dailyCapacity),
      requireIdCard: form.requireIdCard,
      defaultServiceMinutes: Number(form.defaultServiceMinutes),
      targetWaitMinutes: Number(form.targetWaitMinutes),
      appointmentSlots: form.appointmentSlots.map((s) => ({ start: s.start.trim(), end: s.end.trim(), capacity: Number(s.capacity) })),
    };
    if (form.nameEn.trim()) b.nameEn = form.nameEn.trim();
    else if (!isNew) b.nameEn = null;
    return isNew ? { id: form.id.trim(), ...b, windowIds: form.windowIds, service: serviceBody(service, true) } : b;
  };
  const text = (k: 'id' | 'prefix' | 'name' | 'nameEn' | 'dailyCapacity' | 'defaultServiceMinutes' | 'targetWaitMinutes', type = 'text') => (
    <Field label={t(`manager.sec.${k}`)} path={k} issues={issues}>
      <input type={type} name={k} class={type === 'number' || k === 'prefix' ? 'm-num' : ''} value={form[k]} onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </Field>
  );
  const check = (k: 'closed' | 'requireIdCard') => (
    <label class="m-check">
      <input type="checkbox" name={k} checked={form[k]} onChange={() => setForm({ ...form, [k]: !form[k] })} />
      {t(`manager.sec.${k}`)}
    </label>
  );
  const setSlot = (i: number, s: Partial<Slot>) => setForm({ ...form, appointmentSlots: form.appointmentSlots.map((y, k) => (k === i ? { ...y, ...s } : y)) });
  const last = form.appointmentSlots.at(-1);
  return (
    <form
      class="m-sec-form"
      data-section={x?.id ?? ''}
      onSubmit={(e) => {
        e.preventDefault();
        if (isNew) void save.run('/manager/sections', 'POST', body());
        else {
          const before = { ...x, nameEn: x.nameEn ?? null, closed: x.closed ?? false } as unknown as Record<string, unknown>;
          void save.run(`/manager/sections/${x.id}`, 'PATCH', changes(before, body()));
        }
      }}
    >
      <h3>{isNew ? t('manager.sec.add') : `${x.prefix} ${name(x.name, x.nameEn)}`}</h3>
      <div class="m-inline">
        {isNew && text('id')}
        {text('prefix')}
        {text('name')}
        {text('nameEn')}
        {text('dailyCapacity', 'number')}
        {text('defaultServiceMinutes', 'number')}
        {text('targetWaitMinutes', 'number')}
        {check('requireIdCard')}
        {check('closed')}
      </div>
      <fieldset class="m-slots">
        <legend>{t('manager.sec.appointmentSlots')}</legend>
        {form.appointmentSlots.length === 0 && <p class="m-hint">{t('manager.sec.noSlots')}</p>}
        {form.appointmentSlots.map((s, i) => (
          <div class="m-inline" data-slot={i}>
            <label>
              {t('manager.slot.start')}
              <input type="time" name="slotStart" value={s.start} onInput={(e) => setSlot(i, { start: (e.target as HTMLInputElement).value })} />
            </label>
            <label>
              {t('manager.slot.end')}
              <input type="time" name="slotEnd" value={s.end} onInput={(e) => setSlot(i, { end: (e.target as HTMLInputElement).value })} />
            </label>
            <label>
              {t('manager.slot.capacity')}
              <input type="number" class="m-num" min={1} name="slotCapacity" value={s.capacity} onInput={(e) => setSlot(i, { capacity: (e.target as HTMLInputElement).value })} />
            </label>
            <button type="button" class="btn" data-act="drop-slot" onClick={() => setForm({ ...form, appointmentSlots: form.appointmentSlots.filter((_, k) => k !== i) })}>
              {t('manager.mat.drop')}
            </button>
            <FieldError issues={issues} path={`appointmentSlots.${i}`} />
          </div>
        ))}
        <button
          type="button"
          class="btn"
          data-act="add-slot"
          onClick={() => setForm({ ...form, appointmentSlots: [...form.appointmentSlots, { start: last?.end ?? '09:00', end: '', capacity: last?.capacity ?? '10' }] })}
        >
          {t('manager.slot.add')}
        </button>
      </fieldset>
      {isNew && (
        <>
          <Field label={t('manager.sec.windowIds')} path="windowIds" issues={issues} wide>
            <span class="m-checks">
              {setup.windows.map((w) => (
                <span class="m-check">
                  <input
                    type="checkbox"
                    name="windowId"
                    value={w.id}
                    checked={form.windowIds.includes(w.id)}
                    onChange={() => setForm({ ...form, windowIds: form.windowIds.includes(w.id) ? form.windowIds.filter((y) => y !== w.id) : [...form.windowIds, w.id] })}
                  />
                  {t('window.label', { n: w.number })}
                </span>
              ))}
            </span>
          </Field>
          <fieldset class="m-first-service">
            <legend>{t('manager.sec.firstService')}</legend>
            <ServiceFields form={service} set={setService} issues={issues} at="service." isNew />
          </fieldset>
        </>
      )}
      <OtherIssues issues={issues} fields={[...FIELDS, 'service', ...SERVICE_FIELDS.map((f) => `service.${f}`)]} />
      <FormButtons busy={save.busy} submit={isNew ? t('manager.sec.create') : t('manager.set.save')} onCancel={onCancel} note={save.note} />
    </form>
  );
}
