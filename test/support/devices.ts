// Shared by the device tests: the sample card as `/sim/devices/:id/input` takes it, the poll helper, and a
// card placed on a simulated reader.

import type { DeviceService } from '../../server/devices/service.js';
import { SAMPLE_CARD } from '../fixtures/idcard.js';

export { until } from './poll.js';

/** SAMPLE_CARD in the shape of API.md's simulated card input. */
export const SIM_CARD = {
  name: SAMPLE_CARD.name,
  sex: SAMPLE_CARD.sex,
  nation: SAMPLE_CARD.nation,
  birthDate: SAMPLE_CARD.birthDate,
  address: SAMPLE_CARD.address,
  idNumber: SAMPLE_CARD.idNumber,
  issuer: SAMPLE_CARD.issuer,
  validFrom: SAMPLE_CARD.validFrom,
  validTo: SAMPLE_CARD.validTo,
};

/**
 * Places a card on a simulated reader (`<attachedTo>-idcard`) and waits until the hall's registry has read
 * it. A reader reports a card once while it lies there and takes a moment to see it gone, so the same card
 * placed again right away is placed again until it is read. `via: 'service'` places it without the demo
 * mode's HTTP input, for halls outside demo mode.
 */
export async function swipeCard(
  hall: { url: string; running: { devices: DeviceService } },
  attachedTo: string,
  card: Record<string, unknown> = SIM_CARD,
  opts: { via?: 'http' | 'service' } = {},
): Promise<void> {
  let read = false;
  const on = (r: { attachedTo: string }) => {
    if (r.attachedTo === attachedTo) read = true;
  };
  hall.running.devices.on('identity', on);
  try {
    for (let attempt = 0; attempt < 8 && !read; attempt++) {
      if (opts.via === 'service') {
        // Outside demo mode /sim/* is closed: the card goes to the simulator through the device service.
        await hall.running.devices.simInput(`${attachedTo}-idcard`, { card });
      } else {
        const res = await fetch(`${hall.url}/api/v1/sim/devices/${attachedTo}-idcard/input`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ card }),
        });
        if (res.status !== 200) throw new Error(`card input at ${attachedTo}: ${res.status} ${await res.text()}`);
      }
      const end = Date.now() + 1500;
      while (!read && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    hall.running.devices.off('identity', on);
  }
  if (!read) throw new Error(`no card read at ${attachedTo}`);
}
