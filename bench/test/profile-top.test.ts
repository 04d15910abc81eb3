import { expect } from 'chai';
import { analyse, type CpuProfile } from '../profile-top.js';

// root → handler (server/http/app.ts) → scan (server/hall/queue.ts); handler also → parse (node_modules)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
    { id: 2, callFrame: { functionName: 'handler', url: 'file:///work/main/server/http/app.ts', lineNumber: 9 }, children: [3, 4] },
    { id: 3, callFrame: { functionName: 'scan', url: 'file:///work/main/server/hall/queue.ts', lineNumber: 0 } },
    { id: 4, callFrame: { functionName: 'parse', url: 'file:///work/main/node_modules/x/index.js', lineNumber: 4 } },
  ],
  samples: [3, 3, 3, 4, 2, 1],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 5000],
  startTime: 0,
  endTime: 10_000,
};

describe('CPU profile summary', () => {
  it('adds sample time to the sampled function as self time and to every project caller as total time', () => {
    const r = analyse(profile, (url) => url.includes('/server/'));
    expect(r.totalMs).to.equal(10);
    const self = Object.fromEntries(r.self.map((x) => [x.name.split(' ')[0], x.ms]));
    expect(self).to.deep.equal({ '(root)': 5, scan: 3, parse: 1, handler: 1 });
    const incl = Object.fromEntries(r.inclusive.map((x) => [x.name.split(' ')[0], x.ms]));
    expect(incl).to.deep.equal({ handler: 5, scan: 3 });
    expect(r.self[0]!.share).to.equal(50);
  });
});
