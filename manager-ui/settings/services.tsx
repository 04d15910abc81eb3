// Services and their guides (事项与办事指南): every field of the seven public items (七公开: basis, conditions,
// materials, procedure, time limits, fees, contact) and the one-line summary the kiosk lists. Add, edit,
// remove; the server refuses to remove a service live tickets or bookings still name.

import { useEffect, useState } from 'preact/hooks';
import { name, t } from '../../ui-shared/page.js';
import { changes, Field, FieldError, Note, OtherIssues, RemoveButton, type Issues, type ServiceCfg, type Setup, toLines, useSave, FormButtons } from './shared.js';

type MaterialForm = { name: string; copies: string; required: boolean; note: string };

export interface ServiceForm {
  code: string;
  name: string;
  nameEn: string;
  kind: ServiceCfg['kind'];
  legalLimitDays: string;
  promisedLimitDays: string;
  summary: string;
  fees: string;
  contact: string;
  conditions: string;
  procedure: string;
  basis: string;
  materials: MaterialForm[];
}

export const SERVICE_FIELDS = ['code', 'name', 'nameEn', 'kind', 'legalLimitDays', 'promisedLimitDays', 'summary', 'fees', 'contact', 'conditions', 'procedure', 'basis', 'materials'] as const;

export function serviceForm(v?: ServiceCfg): ServiceForm {
  return {
    code: v?.code ?? '',
    name: v?.name ?? '',
    nameEn: v?.nameEn ?? '',
    kind: v?.kind ?? 'immediate',
    legalLimitDays: String(v?.legalLimitDays ?? 0),
    promisedLimitDays: String(v?.promisedLimitDays ?? 0),
    summary: v?.summary ?? '',
    fees: v?.fees ?? '',
    contact: v?.contact ?? '',
    conditions: (v?.conditions ?? []).join('\n'),
    procedure: (v?.procedure ?? []).join('\n'),
    basis: (v?.basis ?? []).join('\n'),
    materials: (v?.materials ?? [{ name: '', copies: 1, required: true }]).map((m) => ({ name: m.name, copies: String(m.copies), required: m.required, note: m.note ?? '' })),
  };
}

/** A number field as typed: empty or not a number goes to the server as is, which says what is wrong. */
const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

/** The form as the API takes it; `nameEn` empty is null (removed) on an edit and left out on a new one. */
export function serviceBody(f: ServiceForm, isNew: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: f.name.trim(),
    summary: f.summary.trim(),
    kind: f.kind,
    legalLimitDays: num(f.legalLimitDays),
    promisedLimitDays: num(f.promisedLimitDays),
    fees: f.fees.trim(),
    contact: f.contact.trim(),
    conditions: toLines(f.conditions),
    procedure: toLines(f.procedure),
    basis: toLines(f.basis),
    materials: f.materials.map((m) => ({ name: m.name.trim(), copies: num(m.copies), required: m.required, ...(m.note.trim() ? { note: m.note.trim() } : {}) })),
  };
  if (f.nameEn.trim()) body.nameEn = f.nameEn.trim();
  else if (!isNew) body.nameEn = null;
  if (isNew) return { code: f.code.trim(), ...body };
  return body;
}

/** The guide's fields; `at` prefixes issue paths (a new section's first service is `service.`). */
export function ServiceFields({ form, set, issues, at = '', isNew }: { form: ServiceForm; set: (f: ServiceForm) => void; issues: Issues; at?: string; isNew: boolean }) {
  const text = (k: 'code' | 'name' | 'nameEn' | 'fees' | 'contact' | 'legalLimitDays' | 'promisedLimitDays', type = 'text') => (
    <Field label={t(`manager.svc.${k}`)} path={`${at}${k}`} issues={issues}>
      <input type={type} name={k} class={type === 'number' ? 'm-num' : ''} value={form[k]} onInput={(e) => set({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </Field>
  );
  const area = (k: 'summary' | 'conditions' | 'procedure' | 'basis') => (
    <Field label={t(`manager.svc.${k}`)} path={`${at}${k}`} issues={issues}>
      <textarea rows={4} name={k} value={form[k]} onInput={(e) => set({ ...form, [k]: (e.target as HTMLTextAreaElement).value })} />
    </Field>
  );
  const setMaterial = (i: number, m: Partial<MaterialForm>) => set({ ...form, materials: form.materials.map((x, k) => (k === i ? { ...x, ...m } : x)) });
  return (
    <div class="m-svc-fields">
      <div class="m-inline">
        {isNew && text('code')}
        {text('name')}
        {text('nameEn')}
        <Field label={t('manager.svc.kind')} path={`${at}kind`} issues={issues}>
          <select name="kind" value={form.kind} onChange={(e) => set({ ...form, kind: (e.target as HTMLSelectElement).value as ServiceCfg['kind'] })}>
            <option value="immediate">{t('manager.svc.kind.immediate')}</option>
            <option value="promised">{t('manager.svc.kind.promised')}</option>
          </select>
        </Field>
        {text('legalLimitDays', 'number')}
        {text('promisedLimitDays', 'number')}
        {text('fees')}
        {text('contact')}
      </div>
      <div class="m-fu-grid m-svc-grid">
        {area('summary')}
        {area('conditions')}
        {area('procedure')}
        {area('basis')}
      </div>
      <fieldset class="m-materials">
        <legend>{t('manager.svc.materials')}</legend>
        <table class="m-table">
          <thead>
            <tr>
              <th>{t('manager.mat.name')}</th>
              <th>{t('manager.mat.copies')}</th>
              <th>{t('manager.mat.required')}</th>
              <th>{t('manager.mat.note')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {form.materials.map((m, i) => (
              <tr data-material={i}>
                <td>
                  <input name="materialName" aria-label={t('manager.mat.name')} value={m.name} onInput={(e) => setMaterial(i, { name: (e.target as HTMLInputElement).value })} />
                  <FieldError issues={issues} path={`${at}materials.${i}.name`} />
                </td>
                <td>
                  <input name="materialCopies" class="m-num" type="number" min={1} aria-label={t('manager.mat.copies')} value={m.copies} onInput={(e) => setMaterial(i, { copies: (e.target as HTMLInputElement).value })} />
                  <FieldError issues={issues} path={`${at}materials.${i}.copies`} />
                </td>
                <td>
                  <input type="checkbox" name="materialRequired" aria-label={t('manager.mat.required')} checked={m.required} onChange={() => setMaterial(i, { required: !m.required })} />
                </td>
                <td>
                  <input name="materialNote" aria-label={t('manager.mat.note')} value={m.note} onInput={(e) => setMaterial(i, { note: (e.target as HTMLInputElement).value })} />
                  <FieldError issues={issues} path={`${at}materials.${i}.note`} />
                </td>
                <td>
                  <button type="button" class="btn" data-act="drop-material" disabled={form.materials.length === 1} onClick={() => set({ ...form, materials: form.materials.filter((_, k) => k !== i) })}>
                    {t('manager.mat.drop')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" class="btn" data-act="add-material" onClick={() => set({ ...form, materials: [...form.materials, { name: '', copies: '1', required: true, note: '' }] })}>
          {t('manager.mat.add')}
        </button>
        {Object.keys(issues).includes(`${at}materials`) && <FieldError issues={{ [`${at}materials`]: issues[`${at}materials`]! }} path={`${at}materials`} />}
      </fieldset>
    </div>
  );
}

export function Services({ setup, token, onSaved }: { setup: Setup; token: string; onSaved: () => void }) {
  const [sectionId, setSectionId] = useState(setup.sections[0]?.id ?? '');
  const section = setup.sections.find((x) => x.id === sectionId) ?? setup.sections[0];
  const [code, setCode] = useState<string>(section?.services[0]?.code ?? '');
  const adding = code === '';
  const service = adding ? undefined : section?.services.find((v) => v.code === code) ?? section?.services[0];
  const removal = useSave(token, () => {
    setCode(section?.services.find((v) => v.code !== code)?.code ?? '');
    onSaved();
  });
  // A new service's form closes on success (the list then shows it chosen), so its note is shown here.
  const [created, setCreated] = useState<string | null>(null);
  // A section removed elsewhere (or the whole setup replaced) leaves the choice on one that exists.
  useEffect(() => {
    if (!setup.sections.some((x) => x.id === sectionId)) setSectionId(setup.sections[0]?.id ?? '');
  }, [setup]);
  return (
    <section class="card m-services">
      <h2>{t('manager.svc.title')}</h2>
      <div class="m-inline">
        <label>
          {t('manager.col.section')}
          <select
            name="serviceSection"
            value={section?.id ?? ''}
            onChange={(e) => {
              const id = (e.target as HTMLSelectElement).value;
              setSectionId(id);
              setCode(setup.sections.find((x) => x.id === id)?.services[0]?.code ?? '');
            }}
          >
            {setup.sections.map((x) => (
              <option value={x.id}>{`${x.prefix} ${name(x.name, x.nameEn)}`}</option>
            ))}
          </select>
        </label>
        <label>
          {t('manager.svc.service')}
          <select name="service" value={service?.code ?? ''} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
            {(section?.services ?? []).map((v) => (
              <option value={v.code}>{`${v.code} ${v.name}`}</option>
            ))}
            {adding && <option value="">{t('manager.svc.new')}</option>}
          </select>
        </label>
        <button type="button" class="btn" data-act="add-service" disabled={adding} onClick={() => setCode('')}>
          {t('manager.svc.add')}
        </button>
        {service && (
          <RemoveButton what={`${service.code} ${service.name}`} busy={removal.busy} onRemove={() => void removal.run(`/manager/services/${encodeURIComponent(service.code)}`, 'DELETE', undefined)} />
        )}
        <Note note={removal.note} />
        {created && !adding && code === created && <span class="m-saved" data-created={created}>{t('manager.svc.created', { code: created })}</span>}
      </div>
      {section && (adding || service) && (
        <ServiceEditor
          key={adding ? `new:${section.id}` : service!.code}
          sectionId={section.id}
          v={service}
          token={token}
          onSaved={(c) => {
            if (c) {
              setCreated(c);
              setCode(c);
            }
            onSaved();
          }}
          onCancel={() => setCode(section.services[0]?.code ?? '')}
        />
      )}
    </section>
  );
}

function ServiceEditor({ sectionId, v, token, onSaved, onCancel }: { sectionId: string; v?: ServiceCfg; token: string; onSaved: (code?: string) => void; onCancel: () => void }) {
  const [form, setForm] = useState(serviceForm(v));
  const isNew = v === undefined;
  // The saved guide comes back from the server (trimmed, checked): the form shows what is in force.
  const saved = JSON.stringify(v ?? null);
  useEffect(() => {
    if (v) setForm(serviceForm(v));
  }, [saved]);
  const { note, issues, busy, run } = useSave(token, () => onSaved(isNew ? form.code.trim() : undefined));
  return (
    <form
      class={`m-svc-form${isNew ? ' is-new' : ''}`}
      data-service={v?.code ?? ''}
      onSubmit={(e) => {
        e.preventDefault();
        const body = serviceBody(form, isNew);
        if (isNew) void run('/manager/services', 'POST', { sectionId, ...body });
        else void run(`/manager/services/${encodeURIComponent(v.code)}`, 'PATCH', changes(serviceBody(serviceForm(v), false), body));
      }}
    >
      {isNew && <h3>{t('manager.svc.new')}</h3>}
      <ServiceFields form={form} set={setForm} issues={issues} isNew={isNew} />
      <OtherIssues issues={issues} fields={[...SERVICE_FIELDS, 'sectionId']} />
      <FormButtons busy={busy} submit={isNew ? t('manager.svc.create') : t('manager.set.save')} {...(isNew ? { onCancel } : {})} note={note} />
    </form>
  );
}
