// The whole setup as JSON: for what the forms do not cover (rules, ticketing hours); checked as config/ is.

import { useState } from 'preact/hooks';
import { t } from '../../ui-shared/page.js';
import { Note, type Setup, useSave } from './shared.js';

export function SetupJson({ setup, token, onSaved }: { setup: Setup; token: string; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [summary, setSummary] = useState('');
  const [local, setLocal] = useState<{ ok: boolean; text: string } | null>(null);
  const { note, busy, run } = useSave(token, onSaved);
  return (
    <section class="card m-setup-json">
      <h2>{t('manager.set.setupJson')}</h2>
      <p class="m-hint">{t('manager.set.setupHint')}</p>
      {!open && (
        <button
          type="button"
          class="btn"
          data-act="open-setup"
          onClick={() => {
            setText(JSON.stringify(setup, null, 2));
            setOpen(true);
          }}
        >
          {t('manager.dev.edit')}
        </button>
      )}
      {open && (
        <>
          <textarea name="setup" rows={18} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          <div class="m-inline">
            <label>
              {t('manager.set.setupSummary')}
              <input name="summary" value={summary} onInput={(e) => setSummary((e.target as HTMLInputElement).value)} />
            </label>
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy}
              onClick={() => {
                let parsed: unknown;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  setLocal({ ok: false, text: t('manager.dev.badJson') });
                  return;
                }
                setLocal(null);
                void run('/manager/setup', 'PUT', { setup: parsed, ...(summary.trim() ? { summary: summary.trim() } : {}) });
              }}
            >
              {t('manager.set.save')}
            </button>
            <Note note={local ?? note} />
          </div>
        </>
      )}
    </section>
  );
}
