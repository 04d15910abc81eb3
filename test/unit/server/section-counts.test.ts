import { expect } from 'chai';
import { loadConfig } from '../../../config/schema.js';
import { apply, decide, initialState } from '../../../server/hall/index.js';
import type { Command, HallEvent, HallState } from '../../../server/hall/types.js';
import { countSections, SectionCounts } from '../../../server/views.js';
import { prng as rng } from '../../support/prng.js';

const plain = (m: Map<string, number>) => Object.fromEntries([...m].filter(([, v]) => v !== 0).sort());

describe('section counts carried across publications', () => {
  const { setup } = loadConfig();
  const sections = setup.sections;
  const windows = setup.windows;

  for (const seed of [1, 2, 3, 4]) {
    it(`equal a full recount after every command of a random day sequence (seed ${seed})`, () => {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      let state: HallState = initialState(setup);
      let now = Date.UTC(2026, 10, 23, 1, 0);
      const carried = new SectionCounts();
      let checked = 0;
      for (let step = 0; step < 1500; step++) {
        now += Math.floor(r() * 90_000);
        if (r() < 0.004) now += 24 * 3600_000; // the business day turns
        const tickets = state.tickets.values();
        const w = pick(windows);
        const commands: Command[] = [
          { type: 'IssueTicket', sectionId: pick(sections).id, idKey: `id${Math.floor(r() * 400)}`, priority: r() < 0.2 ? 'priority' : 'normal' },
          { type: 'IssueTicket', sectionId: pick(sections).id, idKey: `id${Math.floor(r() * 400)}` },
          { type: 'SignIn', windowId: w.id, clerk: { id: `c-${w.id}`, name: '张三', staffNo: w.id } },
          { type: 'CallNext', windowId: w.id },
          { type: 'CallNext', windowId: w.id },
          { type: 'Start', windowId: w.id },
          { type: 'Finish', windowId: w.id },
          { type: 'NoShow', windowId: w.id },
          { type: 'Recall', windowId: w.id },
          { type: 'Transfer', windowId: w.id, to: r() < 0.5 ? { sectionId: pick(sections).id } : { windowId: pick(windows).id } },
          { type: 'Pause', windowId: w.id },
          { type: 'Resume', windowId: w.id },
          { type: 'SignOut', windowId: w.id },
          ...(tickets.length ? [{ type: 'Rejoin', ticketId: pick(tickets).id } as const, { type: 'CancelTicket', ticketId: pick(tickets).id, reason: 'x' } as const] : []),
        ];
        const d = decide(state, pick(commands), { now, setup, actor: { kind: 'system' } });
        if (!d.ok || d.events.length === 0) continue;
        const events: HallEvent[] = d.events.map((b, i) => ({ ...b, seq: state.seq + i + 1, at: now }) as HallEvent);
        for (const e of events) state = apply(state, e, setup);
        const got = carried.advance(state, events);
        const want = countSections(state);
        expect(plain(got.waiting), `waiting after seq ${state.seq}`).to.deep.equal(plain(want.waiting));
        expect(plain(got.issued), `issued after seq ${state.seq}`).to.deep.equal(plain(want.issued));
        checked++;
      }
      expect(checked).to.be.greaterThan(300);
    });
  }
});
