// The window's devices as case capture needs them: the identity its ID-card reader read last and the slip
// printer at the window. Typed structurally, so the device registry plugs in without this module knowing it.

import type { CardIdentity, IdentitySource, SlipPrinter } from './service.js';

/** The fields case capture reads from any card variant (resident card, permits, permanent residence cards). */
export interface CardFields {
  name?: string | null;
  chineseName?: string | null;
  englishName?: string | null;
  idNumber?: string | null;
  cardNumber?: string | null;
  sex?: string | null;
  address?: string | null;
}

export interface WindowDevices {
  lastIdentity(attachedTo: string): { at: number; card: CardFields } | undefined;
  printerFor(attachedTo: string): { print(bytes: Uint8Array): Promise<{ ok: true } | { ok: false; code: string; message: string }> } | undefined;
}

/** The card as a case applicant; the 18-character number is what the case and the central side use. */
export function cardIdentity(read: { at: number; card: CardFields }): CardIdentity {
  const c = read.card;
  return {
    name: (c.name || c.chineseName || c.englishName || '').trim(),
    idNumber: (c.idNumber || c.cardNumber || '').trim().toUpperCase(),
    ...(c.sex ? { sex: c.sex } : {}),
    ...(c.address ? { address: c.address.trim() } : {}),
    readAt: read.at,
  };
}

export function windowDevices(d: WindowDevices): { identities: IdentitySource; printer: SlipPrinter } {
  return {
    identities: {
      lastIdentity(windowId) {
        const r = d.lastIdentity(windowId);
        return r ? cardIdentity(r) : undefined;
      },
    },
    printer: {
      async printAtWindow(windowId, bytes) {
        const p = d.printerFor(windowId);
        if (!p) return { printed: false, code: 'NO_PRINTER', message: '本窗口未配置凭条打印机 / no slip printer at this window' };
        const out = await p.print(bytes);
        return out.ok ? { printed: true } : { printed: false, code: out.code, message: out.message };
      },
    },
  };
}
