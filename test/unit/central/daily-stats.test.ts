import { expect } from 'chai';
import { loadConfig } from '../../../config/schema.js';
import { dailyFigures } from '../../../server/central/daily-stats.js';
import { apply, decide, initialState } from '../../../server/hall/index.js';
import type { Command, HallEvent, HallState } from '../../../server/hall/types.js';
import { Views } from '../../../server/views.js';
import { prng as rng } from '../../support/prng.js';

describe('central/daily-stats', () => {
  const config = loadConfig();
  const { setup } = config;
  const views = new Views(config, () => setup);

  for (const seed of [1, 2, 3]) {
    it(`folds a random day's journal to the same figures the manager saw live (seed ${seed})`, () => {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      let state: HallState = initialState(setup);
      let now = Date.UTC(2026, 10, 23, 1, 0);
      const events: HallEvent[] = [];
      const run = (command: Command, actor: Parameters<typeof decide>[2]['actor']) => {
        const d = decide(state, command, { now, setup, actor });
        if (!d.ok || d.events.length === 0) return;
        const stamped = d.events.map((b, i) => ({ ...b, seq: state.seq + i + 1, at: now }) as HallEvent);
        for (const e of stamped) state = apply(state, e, setup);
        events.push(...stamped);
      };
      run({ type: 'OpenDay' }, { kind: 'system' });
      const day = state.day!;
      for (let step = 0; step < 1200; step++) {
        now += Math.floor(r() * 60_000);
        const tickets = state.tickets.values();
        const w = pick(setup.windows);
        const done = tickets.filter((t) => t.status === 'done' && !t.rated);
        const level = (1 + Math.floor(r() * 5)) as 1 | 2 | 3 | 4 | 5;
        const commands: Command[] = [
          { type: 'IssueTicket', sectionId: pick(setup.sections).id, idKey: `id${Math.floor(r() * 400)}` },
          { type: 'IssueTicket', sectionId: pick(setup.sections).id, idKey: `id${Math.floor(r() * 400)}`, priority: 'priority' },
          { type: 'SignIn', windowId: w.id, clerk: { id: `c-${w.id}`, name: '张三', staffNo: w.id } },
          { type: 'CallNext', windowId: w.id },
          { type: 'CallNext', windowId: w.id },
          { type: 'Start', windowId: w.id },
          { type: 'Finish', windowId: w.id },
          { type: 'NoShow', windowId: w.id },
          { type: 'Recall', windowId: w.id },
          { type: 'Transfer', windowId: w.id, to: { sectionId: pick(setup.sections).id } },
          ...(tickets.length ? [{ type: 'Rejoin', ticketId: pick(tickets).id } as const] : []),
        ];
        if (done.length && r() < 0.3) {
          run({ type: 'Rate', ticketId: pick(done).id, level, reasons: level <= 2 ? [config.pad.negativeReasons[0]!] : [] }, { kind: 'citizen' });
        } else {
          run(pick(commands), { kind: 'system' });
        }
      }
      const live = views.stats(state);
      const folded = dailyFigures(day, events, setup.sections.map((s) => s.id));
      expect(folded.totals).to.deep.equal({
        issued: live.issued,
        served: live.served,
        noShow: live.noShow,
        avgWaitSeconds: live.avgWaitSeconds,
        avgServiceSeconds: live.avgServiceSeconds,
      });
      expect(folded.ratings.satisfaction).to.equal(live.satisfaction);
      expect(folded.totals.served).to.be.greaterThan(20);
      expect(folded.ratings.count).to.be.greaterThan(5);
      expect(folded.sections.reduce((n, s) => n + s.issued, 0)).to.equal(folded.totals.issued);
    });
  }

  it('counts nothing of another day', () => {
    const f = dailyFigures('2026-11-24', [], ['a', 'b']);
    expect(f.totals).to.deep.equal({ issued: 0, served: 0, noShow: 0, avgWaitSeconds: 0, avgServiceSeconds: 0 });
    expect(f.sections.map((s) => s.sectionId)).to.deep.equal(['a', 'b']);
    expect(f.ratings).to.deep.equal({ count: 0, byLevel: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }, satisfaction: null });
  });
});
