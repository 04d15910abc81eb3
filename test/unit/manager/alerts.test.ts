// The alert engine on its own: raise once per holding condition, clear when it stops, keep until
// acknowledged, and come back from its log after a restart; plus the plug-in sources' mapping.

import { expect } from 'chai';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ALERTS } from '../../../config/schema.js';
import { AlertEngine, caseSupervisionSource, deviceSource, outboxSource, type AlertCandidate } from '../../../server/manager/alerts.js';

describe('alert engine', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hall-alerts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('raises a key once while it holds, clears it when it stops, raises it anew after, and keeps acks across a restart', async () => {
    let holding: AlertCandidate[] = [{ key: 'wait:a', kind: 'wait', severity: 'warning', params: { minutes: 31 } }];
    const e = await AlertEngine.open(dir);
    e.addSource('test', () => holding);
    expect(await e.evaluate(1000)).to.equal(true);
    expect(await e.evaluate(2000)).to.equal(false);
    const [first] = e.active();
    expect(first).to.include({ key: 'wait:a', raisedAt: 1000 });
    holding = [];
    await e.evaluate(3000);
    expect(e.active()[0]).to.include({ id: first!.id, clearedAt: 3000 });
    holding = [{ key: 'wait:a', kind: 'wait', severity: 'critical', params: { minutes: 61 } }];
    await e.evaluate(4000);
    expect(e.active().map((a) => a.raisedAt)).to.deep.equal([4000, 1000]);
    await e.ack(first!.id, 'admin', 5000, '已处理');
    expect(e.active()).to.have.length(1);
    await e.close();

    // A torn last line (power cut mid-append) is skipped; everything before it is back.
    await appendFile(join(dir, 'manager', 'alerts.ndjson'), '{"t":"acked","id":"x"');
    const again = await AlertEngine.open(dir);
    again.addSource('test', () => holding);
    expect(await again.evaluate(6000)).to.equal(false); // still holding: not raised twice
    expect(again.history().map((a) => [a.raisedAt, a.ack?.note ?? null])).to.deep.equal([
      [4000, null],
      [1000, '已处理'],
    ]);
    await again.close();
  });

  it('maps devices, the outbox and case supervision to alerts, and honours the on/off thresholds', () => {
    const devices = deviceSource(() => [
      { id: 'p1', kind: 'printer', status: 'fault', detail: 'paper out' },
      { id: 'r1', kind: 'idcard', status: 'online' },
      { id: 'd1', kind: 'display', status: 'offline' },
    ], () => DEFAULT_ALERTS);
    expect(devices(0).map((c) => [c.key, c.severity])).to.deep.equal([
      ['device:p1:fault', 'critical'],
      ['device:d1:offline', 'warning'],
    ]);
    expect(deviceSource(() => [{ id: 'p1', kind: 'printer', status: 'fault' }], () => ({ ...DEFAULT_ALERTS, deviceFault: false }))(0)).to.deep.equal([]);
    // Offline for less than the grace period (a device still starting or reconnecting): no alert yet.
    const flaky = deviceSource(() => [{ id: 'p1', kind: 'printer', status: 'offline', since: 100_000 }], () => DEFAULT_ALERTS);
    expect(flaky(100_000 + 29_999)).to.deep.equal([]);
    expect(flaky(100_000 + 30_000)).to.have.length(1);
    const outbox = outboxSource(() => ({ backlog: 19, lastError: null }), () => DEFAULT_ALERTS);
    expect(outbox(0)).to.deep.equal([]);
    expect(outboxSource(() => ({ backlog: 20, lastError: { at: 7, message: 'HTTP 502' } }), () => DEFAULT_ALERTS)(0).map((c) => c.key)).to.deep.equal([
      'outbox:backlog',
      'outbox:error:7',
    ]);
    const cases = caseSupervisionSource(() => [
      { caseId: 'c1', receiptNo: 'R-1', serviceName: '营业执照', level: 'warning', due: '2026-11-25' },
      { caseId: 'c2', serviceName: '不动产登记', level: 'legal_overdue', due: '2026-11-20' },
    ]);
    expect(cases(0).map((c) => [c.key, c.severity, c.params.state, c.params.receiptNo])).to.deep.equal([
      ['case:c1:warning', 'warning', 'near', 'R-1'],
      ['case:c2:legal_overdue', 'critical', 'past', 'c2'],
    ]);
  });
});
