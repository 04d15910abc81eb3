// A simulated SAM reader on the far end of a transport: it answers find, select, read, SAM status and
// reset with properly framed answers, exactly the bytes a reader sends. place() puts a card on the reader;
// by default the card is taken away after one read, which is how the demo's "swipe a card" behaves.

import { IdCardFramer, decodeRequest, encodeCardText, encodeReadAnswer, encodeResponse, type CardTextInput, PHOTO_BYTES } from './codec.js';
import type { Transport } from '../transport/transport.js';

export interface IdCardSimOptions {
  /** Remove the card after its text has been read once. Default true. */
  removeAfterRead?: boolean;
  /** Answer nothing (a reader without power, a broken cable). */
  silent?: boolean;
  /** Answer every find with this SW3 instead (e.g. 0x60 SAM self-test failed). */
  forceStatus?: number;
}

/** Opaque photo bytes: a WLT image is only ever carried, never decoded, so any fixed pattern will do. */
function samplePhoto(seed: number): Buffer {
  const p = Buffer.alloc(PHOTO_BYTES);
  for (let i = 0; i < p.length; i++) p[i] = (i * 29 + seed) & 0xff;
  return p;
}

export class IdCardSimulator {
  readonly framer = new IdCardFramer();
  /** Requests received so far. */
  requestCount = 0;
  /** The latest requests by command name ('unknown' for a body no command matches), newest last, at most 50. */
  readonly recent: string[] = [];
  private card: { text: Buffer; photo: Buffer } | 'unreadable' | null = null;
  private seed = 1;

  constructor(
    private readonly port: Transport,
    public options: IdCardSimOptions = {},
  ) {
    port.on('data', (chunk) => this.onData(chunk));
  }

  async open(): Promise<void> {
    await this.port.open();
  }

  /** A card on the reader. Throws DeviceError BAD_ARGUMENT for fields a card cannot hold. */
  place(card: CardTextInput): void {
    this.card = { text: encodeCardText(card), photo: samplePhoto(this.seed++) };
  }

  /**
   * A card the reader finds but cannot authenticate (a damaged chip, a foreign card): find succeeds,
   * select answers SW3 0x32, and the card is gone after that one attempt, as a swiped card would be.
   */
  placeUnreadable(): void {
    this.card = 'unreadable';
  }

  remove(): void {
    this.card = null;
  }

  get hasCard(): boolean {
    return this.card !== null;
  }

  private onData(chunk: Buffer): void {
    for (const m of this.framer.push(chunk)) {
      if (m.kind !== 'frame') continue;
      const cmd = decodeRequest(m.body);
      this.requestCount++;
      this.recent.push(cmd ?? 'unknown');
      if (this.recent.length > 50) this.recent.shift();
      if (this.options.silent) continue;
      const answer = this.answer(cmd);
      this.port.write(answer).catch(() => {});
    }
  }

  private answer(cmd: ReturnType<typeof decodeRequest>): Buffer {
    if (this.options.forceStatus !== undefined) return encodeResponse(this.options.forceStatus);
    switch (cmd) {
      case 'find':
        return this.card ? encodeResponse(0x9f, Buffer.alloc(4)) : encodeResponse(0x80);
      case 'select':
        if (this.card === 'unreadable') {
          this.card = null;
          return encodeResponse(0x32);
        }
        return this.card ? encodeResponse(0x90, Buffer.alloc(8)) : encodeResponse(0x81);
      case 'read':
      case 'readFingerprint': {
        const card = this.card;
        if (!card || card === 'unreadable') return encodeResponse(0x41);
        if (this.options.removeAfterRead ?? true) this.card = null;
        return encodeReadAnswer(card.text, card.photo);
      }
      case 'samStatus':
      case 'reset':
        return encodeResponse(0x90);
      case 'samId':
        return encodeResponse(0x90, Buffer.alloc(16));
      case 'readAppendAddress':
        return encodeResponse(0x91);
      case null:
        return encodeResponse(0x21);
    }
  }
}
