// Staff accounts (工作人员账号): add, change name, staff number and role, disable, reset a password. The server
// ends a changed account's sessions at once and audits every change.

import { useEffect, useState } from 'preact/hooks';
import { t } from '../../ui-shared/page.js';
import { useLoad } from '../load.js';
import { AccountPhoto } from '../photo.js';
import { changes, Field, FieldError, Note, useSave } from './shared.js';

interface AccountLite {
  username: string;
  role: 'clerk' | 'manager' | 'admin';
  name: string;
  staffNo: string;
  disabled: boolean;
}

export function Accounts({ token }: { token: string }) {
  const [list, reload] = useLoad<AccountLite[]>('/manager/accounts', token);
  const [form, setForm] = useState({ username: '', name: '', staffNo: '', role: 'clerk', password: '' });
  const { note, issues, busy, run } = useSave(token, () => {
    setForm({ username: '', name: '', staffNo: '', role: 'clerk', password: '' });
    reload();
  });
  const field = (k: 'username' | 'name' | 'staffNo' | 'password', type = 'text') => (
    <Field label={t(`manager.acc.${k}`)} path={k} issues={issues}>
      <input type={type} name={k} value={form[k]} autocomplete="off" onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </Field>
  );
  return (
    <section class="card m-accounts">
      <h2>{t('manager.set.accounts')}</h2>
      <table class="m-table">
        <thead>
          <tr>
            <th>{t('manager.acc.username')}</th>
            <th>{t('manager.acc.name')}</th>
            <th>{t('manager.acc.staffNo')}</th>
            <th>{t('manager.acc.role')}</th>
            <th>{t('manager.acc.status')}</th>
            <th>{t('manager.acc.photo')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((a) => (
            <AccountRow key={`${a.username}|${a.role}|${a.disabled}`} a={a} token={token} onSaved={reload} />
          ))}
        </tbody>
      </table>
      <form
        class="m-inline m-account-add"
        onSubmit={(e) => {
          e.preventDefault();
          void run('/manager/accounts', 'POST', { ...form, staffNo: form.staffNo.trim().toUpperCase() });
        }}
      >
        {field('username')}
        {field('name')}
        {field('staffNo')}
        <label>
          {t('manager.acc.role')}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: (e.target as HTMLSelectElement).value })}>
            {(['clerk', 'manager', 'admin'] as const).map((r) => (
              <option value={r}>{t(`manager.role.${r}`)}</option>
            ))}
          </select>
        </label>
        {field('password', 'password')}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.acc.add')}
        </button>
        <Note note={note} />
      </form>
    </section>
  );
}

function AccountRow({ a, token, onSaved }: { a: AccountLite; token: string; onSaved: () => void }) {
  const [role, setRole] = useState<AccountLite['role']>(a.role);
  const [password, setPassword] = useState('');
  const [person, setPerson] = useState({ name: a.name, staffNo: a.staffNo });
  // The row stays mounted across a save (its note says so); it shows what the server keeps.
  useEffect(() => setPerson({ name: a.name, staffNo: a.staffNo }), [a.name, a.staffNo]);
  const { note, issues, busy, run } = useSave(token, () => {
    setPassword('');
    onSaved();
  });
  const path = `/manager/accounts/${encodeURIComponent(a.username)}`;
  const profile = changes(a as unknown as Record<string, unknown>, { name: person.name.trim(), staffNo: person.staffNo.trim().toUpperCase() });
  return (
    <tr data-account={a.username} class={a.disabled ? 'm-disabled' : ''}>
      <td class="num">{a.username}</td>
      <td>
        <input name="name" class="m-short" aria-label={t('manager.acc.name')} value={person.name} onInput={(e) => setPerson({ ...person, name: (e.target as HTMLInputElement).value })} />
        <FieldError issues={issues} path="name" />
      </td>
      <td class="m-inline">
        <input name="staffNo" class="m-short num" aria-label={t('manager.acc.staffNo')} value={person.staffNo} onInput={(e) => setPerson({ ...person, staffNo: (e.target as HTMLInputElement).value })} />
        {Object.keys(profile).length > 0 && (
          <button type="button" class="btn" data-act="profile" disabled={busy} onClick={() => void run(path, 'PATCH', profile)}>
            {t('manager.set.save')}
          </button>
        )}
        <FieldError issues={issues} path="staffNo" />
      </td>
      <td>
        <select name="role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as AccountLite['role'])}>
          {(['clerk', 'manager', 'admin'] as const).map((r) => (
            <option value={r}>{t(`manager.role.${r}`)}</option>
          ))}
        </select>
        {role !== a.role && (
          <button type="button" class="btn" data-act="role" disabled={busy} onClick={() => void run(path, 'PATCH', { role })}>
            {t('manager.acc.setRole')}
          </button>
        )}
      </td>
      <td data-status>{a.disabled ? t('manager.acc.disabled') : t('manager.acc.enabled')}</td>
      <td>
        <AccountPhoto username={a.username} token={token} />
      </td>
      <td class="m-inline">
        <button type="button" class="btn" data-act="toggle" disabled={busy} onClick={() => void run(path, 'PATCH', { disabled: !a.disabled })}>
          {a.disabled ? t('manager.acc.enable') : t('manager.acc.disable')}
        </button>
        <input type="password" name="newPassword" class="m-short" placeholder={t('manager.acc.newPassword')} value={password} autocomplete="new-password" onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        <button type="button" class="btn" data-act="password" disabled={busy || password.length === 0} onClick={() => void run(path, 'PATCH', { password })}>
          {t('manager.acc.resetPassword')}
        </button>
        <Note note={note} />
      </td>
    </tr>
  );
}
