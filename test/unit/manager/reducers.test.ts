// The dashboard's stream reducers for data other modules add to /manager.

import { expect } from 'chai';
import type { ManagerSnapshot } from '../../../server/realtime/contract.js';
import { managerReducers } from '../../../ui-shared/reducers.js';

const base: ManagerSnapshot = {
  seq: 1,
  day: '2026-11-23',
  stats: { issued: 0, served: 0, noShow: 0, waiting: 0, avgWaitSeconds: 0, avgServiceSeconds: 0, satisfaction: null },
  sections: [],
  windows: [],
  recentCalls: [],
};

describe('manager stream reducers', () => {
  it('takes alerts, supervision and central events in seq order and keeps them through later updates', () => {
    let s = managerReducers.alerts(base, { seq: 2, active: [], holding: 0 });
    s = managerReducers.supervision(s, { seq: 3, report: { day: '2026-11-23' } });
    s = managerReducers.central(s, { seq: 4, mode: 'mock', outbox: { backlog: 3, central: 'down', lastError: null } });
    expect(s.seq).to.equal(4);
    const u = managerReducers.update(s, { ...base, seq: 5, stats: { ...base.stats, issued: 1 } });
    expect(u.seq).to.equal(5);
    expect(u.stats.issued).to.equal(1);
    expect(u.alerts).to.deep.equal({ active: [], holding: 0 });
    expect(u.supervision).to.deep.equal({ day: '2026-11-23' });
    expect(u.central?.outbox?.backlog).to.equal(3);
  });
});
