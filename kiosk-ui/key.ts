// The kiosk's device key: given once when the kiosk PC is set up, kept in the browser, never in the address.

import { param } from '../ui-shared/page.js';

/**
 * The kiosk's device key, sent as `Bearer kiosk.<id>.<key>` on every call that uses the kiosk's devices:
 * taking a ticket, printing a slip or a guide, and each use of its card reader (required outside demo
 * mode). It is given once in the address (`&key=`) when the kiosk is set up, kept in this browser, and
 * taken out of the address bar at once.
 */
export function kioskToken(kioskId: string | undefined): string | null {
  if (!kioskId) return null;
  const stored = `hall.kioskKey.${kioskId}`;
  const given = param('key');
  if (given) {
    try {
      localStorage.setItem(stored, given);
    } catch {
      // A browser without storage keeps the key for this page only.
    }
    const url = new URL(location.href);
    url.searchParams.delete('key');
    history.replaceState(history.state, '', url);
    givenKey = given;
  }
  let key = givenKey;
  try {
    key = localStorage.getItem(stored) ?? givenKey;
  } catch {
    // as above
  }
  return key ? `kiosk.${kioskId}.${key}` : null;
}
let givenKey: string | null = null;
// Stored and out of the address bar before anything else happens.
kioskToken(param('kiosk') ?? undefined);
