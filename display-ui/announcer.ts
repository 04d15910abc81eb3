// The hall display's announcement queue: every new call's announcement goes in, and a player (voice clips,
// added later) takes them out one at a time, so announcements never overlap. Without a player nothing is
// played and nothing pretends to be: the queue just keeps the most recent ones waiting.

import type { Announcement } from '../server/realtime/contract.js';

/** Plays one announcement (its clip tokens in order) and resolves when it has finished. */
export type AnnouncementPlayer = (a: Announcement) => Promise<void>;

export interface AnnouncerOptions {
  /** Waiting announcements beyond this drop the oldest: a stale call read out late misleads people. */
  maxPending?: number;
  /** How many times each announcement is played (hall config: voice.repeat). */
  repeat?: number;
}

export class AnnouncementQueue {
  private readonly queue: Announcement[] = [];
  private player: AnnouncementPlayer | null = null;
  private current: Announcement | null = null;
  private readonly maxPending: number;
  private repeat: number;
  private dropped = 0;
  private readonly failures: unknown[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(opts: AnnouncerOptions = {}) {
    this.maxPending = Math.max(1, opts.maxPending ?? 5);
    this.repeat = Math.max(1, opts.repeat ?? 1);
  }

  enqueue(a: Announcement): void {
    if (!Array.isArray(a.tokens) || a.tokens.length === 0) return;
    this.queue.push(a);
    while (this.queue.length > this.maxPending) {
      this.queue.shift();
      this.dropped++;
    }
    this.changed();
    void this.drain();
  }

  /** Installs (or removes, with null) the player; waiting announcements start playing at once. */
  setPlayer(player: AnnouncementPlayer | null, repeat?: number): void {
    this.player = player;
    if (repeat !== undefined) this.repeat = Math.max(1, repeat);
    void this.drain();
  }

  get pending(): readonly Announcement[] {
    return [...this.queue];
  }

  get playing(): Announcement | null {
    return this.current;
  }

  get stats(): { pending: number; dropped: number; failures: number } {
    return { pending: this.queue.length, dropped: this.dropped, failures: this.failures.length };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async drain(): Promise<void> {
    if (this.current || !this.player) return;
    const player = this.player;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.changed();
    try {
      for (let i = 0; i < this.repeat; i++) await player(next);
    } catch (e) {
      // A broken clip must not stop later announcements.
      this.failures.push(e);
      if (this.failures.length > 20) this.failures.shift();
    }
    this.current = null;
    this.changed();
    void this.drain();
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}

/**
 * The display's one queue. A voice module installs its clip player with `hallAnnouncer.setPlayer(...)`;
 * until then announcements only wait here (newest few kept).
 */
export const hallAnnouncer = new AnnouncementQueue();
