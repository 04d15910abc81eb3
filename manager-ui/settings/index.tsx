// The settings tab (配置): every part of the hall's setup a manager changes live, each through its own route
// (checked, journaled, audited), and the whole setup as JSON for the rest.

import { t } from '../../ui-shared/page.js';
import { useLoad } from '../load.js';
import { Accounts } from './accounts.js';
import { CalendarCard } from './calendar.js';
import { Devices } from '../devices.js';
import { RulesCard } from './rules.js';
import { SectionsCard } from './sections.js';
import { Services } from './services.js';
import { SetupJson } from './setup-json.js';
import type { Setup } from './shared.js';
import { Thresholds } from './thresholds.js';
import { WindowsCard } from './windows.js';

export function SettingsTab({ token }: { token: string }) {
  const [setup, reload] = useLoad<Setup>('/manager/setup', token);
  const s = setup.data;
  return (
    <div class="m-tab m-settings">
      {setup.error && <p class="form-error">{setup.error}</p>}
      {!s && !setup.error && <p class="m-loading">{t('common.loading')}</p>}
      {s && (
        <>
          <WindowsCard setup={s} token={token} onSaved={reload} />
          <SectionsCard setup={s} token={token} onSaved={reload} />
          <Thresholds token={token} />
          <Accounts token={token} />
          <Devices token={token} />
          <Services setup={s} token={token} onSaved={reload} />
          <RulesCard setup={s} token={token} onSaved={reload} />
          <CalendarCard calendar={s.calendar} token={token} onSaved={reload} />
          <SetupJson setup={s} token={token} onSaved={reload} />
        </>
      )}
    </div>
  );
}
