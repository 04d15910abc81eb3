import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../config/schema.js';
import { brokenCopy, configErrorOf, copyConfig, expectSingleIssue, removeCopies } from './helpers.js';

describe('config/ledbars.json', () => {
  afterEach(removeCopies);

  it('puts all twelve demo windows on one simulated aa-bb-51 bus with a 50 ms gap', () => {
    const c = loadConfig().ledbars!;
    expect(c.buses).to.have.length(1);
    expect(c.buses[0]).to.deep.include({ id: 'ledbus-1', codec: 'aa-bb-51', gapMs: 50, link: { type: 'sim' } });
    expect(c.buses[0]!.windowIds).to.have.length(12);
    expect(c.texts.paused).to.equal('暂停服务');
  });

  it('is optional: without it the hall has no LED bars', () => {
    const dir = copyConfig();
    rmSync(join(dir, 'ledbars.json'));
    expect(loadConfig(dir).ledbars).to.equal(null);
  });

  const cases: [string, (j: any) => void, string, RegExp][] = [
    ['an unknown codec', (j) => (j.buses[0].codec = 'acme'), 'buses[0].codec', /unknown LED bar codec "acme" \(known: aa-bb-51, a0-90-a5, template\)/],
    ['bad codec options', (j) => (j.buses[0].codecOptions = { sumCovers: 'some' }), 'buses[0].codecOptions', /sumCovers must be after, all or text/],
    ['a window that does not exist', (j) => j.buses[0].windowIds.push('w99'), 'buses[0].windowIds[12]', /no window has id "w99"/],
    ['a window named twice', (j) => j.buses[0].windowIds.push('w1'), 'buses[0].windowIds[12]', /already on bus "ledbus-1"/],
    ['a gap out of range', (j) => (j.buses[0].gapMs = 5000), 'buses[0].gapMs', /2000/],
    ['a misspelt key', (j) => (j.buses[0].gap = 10), 'buses[0].gap', /unknown key/],
  ];
  for (const [what, edit, path, message] of cases) {
    it(`refuses ${what}, naming the field`, () => {
      const msg = expectSingleIssue(configErrorOf(brokenCopy('ledbars.json', edit)), '/ledbars.json', path);
      expect(msg).to.match(message);
    });
  }

  it('refuses two windows with one address on the same bus', () => {
    const dir = brokenCopy('windows.json', (j) => (j.windows[1].ledbarAddress = 1));
    const msg = expectSingleIssue(configErrorOf(dir), '/ledbars.json', 'buses[0].windowIds[1]');
    expect(msg).to.match(/address 1 is also window "w1"'s/);
  });
});
