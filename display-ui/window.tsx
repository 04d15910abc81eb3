// Window screen (窗口屏): the monitor above one counter. Window number and name, the clerk on duty (masked
// name and staff number), the current number large, and 暂停服务 while paused. Sizes follow the viewport so
// the same page fits a 1920×1080 monitor or a small bar screen.

import { useState } from 'preact/hooks';
import '../ui-shared/base.css';
import './window.css';
import type { WindowView } from '../server/realtime/contract.js';
import { Clock, ConnectionBanner } from '../ui-shared/components.js';
import { safeText } from '../ui-shared/format.js';
import { mount, name, param, t, useLang, useStream } from '../ui-shared/page.js';
import { callKey, mergeCalls } from '../ui-shared/reducers.js';
import { openDisplayStream } from '../ui-shared/streams.js';
import { useCallFlash } from './flash.js';

const windowId = param('window');

function WindowScreen() {
  useLang();
  const { flashing, count, onChange } = useCallFlash((c) => c.window.id === windowId);
  const live = useStream(windowId ? openDisplayStream : null, windowId, onChange);

  if (!windowId) return <Message text={t('window.missingParam')} />;
  const s = live.state;
  const w = s?.windows.find((x) => x.id === windowId);
  if (s && !w) return <Message text={t('window.unknown', { id: windowId })} />;
  const lastCall = mergeCalls(s?.recentCalls ?? []).find((c) => c.window.id === windowId);
  const isNew = !!lastCall && flashing === callKey(lastCall);

  return (
    <div class={`ws st-${w?.status ?? 'closed'}`} data-window={windowId} data-connection={live.connection} data-flashes={count}>
      <header class="ws-head">
        <div class="ws-no">
          <span class="num">{w ? t('window.label', { n: w.number }) : '\u00a0'}</span>
        </div>
        <div class="ws-name">{w ? name(w.name, w.nameEn) : ''}</div>
        <Clock seconds={false} className="ws-clock" />
      </header>
      <main class="ws-body">{w ? <Body w={w} isNew={isNew} /> : null}</main>
      <footer class="ws-foot">
        {w?.clerk ? (
          <span class="ws-clerk">
            <ClerkPhoto url={w.clerk.photoUrl} />
            {t('window.clerk')} <b>{safeText(w.clerk.name)}</b>
            <span class="ws-staffno num">{t('window.staffNo', { no: safeText(w.clerk.staffNo) })}</span>
          </span>
        ) : (
          <span />
        )}
      </footer>
      <ConnectionBanner connection={live.connection} error={live.error} />
    </div>
  );
}

/** The clerk's photo beside the name; nothing when there is none or it does not load. */
function ClerkPhoto({ url }: { url: string | undefined }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!url || !url.startsWith('/') || url === failed) return null;
  return <img key={url} class="ws-photo" src={url} alt="" onError={() => setFailed(url)} />;
}

function Body({ w, isNew }: { w: WindowView; isNew: boolean }) {
  if (w.status === 'paused') {
    return (
      <div class="ws-paused">
        <div class="ws-paused-title">{t('window.status.paused')}</div>
        {w.pauseReason && <div class="ws-paused-reason">{t('window.pausedReason', { reason: safeText(w.pauseReason) })}</div>}
      </div>
    );
  }
  if (w.status === 'closed') {
    return (
      <div class="ws-paused is-closed">
        <div class="ws-paused-title">{t('window.status.closed')}</div>
        <div class="ws-paused-reason">{t('window.closedHint')}</div>
      </div>
    );
  }
  const cur = w.current && (w.current.status === 'called' || w.current.status === 'serving') ? w.current : undefined;
  return (
    <div key={cur?.id ?? 'none'} class={`ws-current${isNew ? ' is-new' : ''}`}>
      <div class="ws-current-label">{cur ? t(`ticket.status.${cur.status}`) : t('window.current')}</div>
      <div class="ws-current-number num" data-current={cur?.number ?? ''}>
        {cur ? cur.number : t('window.noTicket')}
      </div>
    </div>
  );
}

function Message({ text }: { text: string }) {
  return (
    <div class="ws ws-message">
      <p>{text}</p>
    </div>
  );
}

mount(WindowScreen, 'window.title');
