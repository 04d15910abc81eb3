// Spoken announcements on the hall display: the hall's clip pack (GET /api/v1/voice) is fetched and decoded
// once, and each announcement's tokens are played one clip after the other through Web Audio, each clip
// started only when the one before has ended, so nothing overlaps. The display's AnnouncementQueue feeds
// this player one announcement at a time and repeats it as the hall configures.
//
// Browsers start audio only after a person touched the page, unless the display runs with autoplay
// allowed (kiosk browsers: --autoplay-policy=no-user-gesture-required). Until audio runs, the player is not
// installed, the newest calls wait in the queue, and the page shows a button to turn the voice on.

import type { Announcement, VoiceAnswer } from '../server/realtime/contract.js';
import { api } from '../ui-shared/api.js';
import type { AnnouncementQueue } from './announcer.js';

export type VoiceState = 'loading' | 'locked' | 'on' | 'none' | 'error';

/** One clip as it was played, in the AudioContext's clock (seconds). */
export interface PlayedClip {
  token: string;
  start: number;
  end: number;
  /** Counts announcements played since the page loaded, from 1. */
  announcement: number;
  /** 1 for the first time an announcement is spoken, 2 for its first repeat, … */
  round: number;
}

const LOG_SIZE = 400;

export class ClipVoice {
  state: VoiceState = 'loading';
  detail = '';
  /** Recently played clips, oldest first: what the loudspeaker said, for diagnostics and tests. */
  readonly log: PlayedClip[] = [];
  /** The text of each announcement started, in order (repeats not counted again). */
  readonly spoken: string[] = [];
  /** Tokens the pack had no clip for, as they were met. */
  readonly skipped: string[] = [];
  private ctx: AudioContext | null = null;
  private readonly buffers = new Map<string, AudioBuffer>();
  private info: VoiceAnswer | null = null;
  private last: Announcement | null = null;
  private count = 0;
  private round = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly queue: AnnouncementQueue) {}

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Fetches and decodes the pack, then turns the voice on if the browser lets audio start. */
  async start(): Promise<void> {
    try {
      const info = await api<VoiceAnswer>('/voice');
      this.info = info;
      if (!info.available || !info.clips) return this.set('none');
      const Ctx = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return this.set('none', 'no Web Audio');
      const ctx = new Ctx();
      this.ctx = ctx;
      await Promise.all(
        Object.entries(info.clips).map(async ([token, url]) => {
          const res = await fetch(url);
          if (!res.ok) throw new Error(`clip ${token}: HTTP ${res.status}`);
          this.buffers.set(token, await ctx.decodeAudioData(await res.arrayBuffer()));
        }),
      );
      ctx.addEventListener('statechange', () => this.settle());
      this.settle();
    } catch (e) {
      this.set('error', (e as Error)?.message ?? String(e));
    }
  }

  /** A person's tap: browsers allow audio to start from here. */
  unlock(): void {
    if (this.ctx && this.ctx.state !== 'running') void this.ctx.resume().then(() => this.settle(), () => {});
  }

  private settle(): void {
    const ctx = this.ctx;
    if (!ctx || !this.info) return;
    if (ctx.state === 'running') {
      if (this.state !== 'on') {
        this.set('on');
        this.queue.setPlayer(this.play, this.info.repeat);
      }
    } else {
      if (this.state === 'on') this.queue.setPlayer(null);
      this.set('locked');
    }
  }

  /** Plays one announcement's clips in order; resolves when the last one has ended. */
  readonly play = async (a: Announcement): Promise<void> => {
    const ctx = this.ctx!;
    const info = this.info!;
    if (this.last === a) {
      this.round++;
      await this.silence(info.repeatGapMs ?? 0);
    } else {
      this.last = a;
      this.count++;
      this.round = 1;
      this.spoken.push(a.text);
      if (this.spoken.length > LOG_SIZE) this.spoken.shift();
    }
    let first = true;
    for (const token of a.tokens) {
      const buffer = this.buffers.get(token);
      if (!buffer) {
        this.skipped.push(token);
        if (this.skipped.length > 50) this.skipped.shift();
        continue;
      }
      if (!first) await this.silence(info.gapMs ?? 0);
      first = false;
      await this.playClip(ctx, token, buffer);
    }
  };

  private playClip(ctx: AudioContext, token: string, buffer: AudioBuffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const src = ctx.createBufferSource();
      src.buffer = buffer;
      src.connect(ctx.destination);
      const start = ctx.currentTime;
      // If the audio clock stalls (device gone), give up on this clip rather than block every later call.
      const guard = setTimeout(() => {
        src.onended = null;
        try {
          src.stop();
        } catch {
          /* already stopped */
        }
        reject(new Error(`clip ${token} did not end`));
      }, buffer.duration * 1000 + 3000);
      src.onended = () => {
        clearTimeout(guard);
        this.log.push({ token, start, end: ctx.currentTime, announcement: this.count, round: this.round });
        if (this.log.length > LOG_SIZE) this.log.shift();
        resolve();
      };
      src.start();
    });
  }

  private silence(ms: number): Promise<void> {
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  }

  private set(state: VoiceState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    for (const l of [...this.listeners]) l();
  }
}
