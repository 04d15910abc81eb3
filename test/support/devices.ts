// Shared by the device tests: the sample card as `/sim/devices/:id/input` takes it, and a poll helper.

import { SAMPLE_CARD } from '../fixtures/idcard.js';

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

/** Polls `fn` every 25 ms until it gives a value (not undefined or false), or fails after `ms`. */
export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
