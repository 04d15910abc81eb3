import { expect } from 'chai';
import { percentileSorted, round, summarize } from '../stats.js';

describe('bench statistics', () => {
  it('takes the nearest-rank percentile: the smallest value with at least p% of the sample at or below it', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(v, 50)).to.equal(50);
    expect(percentileSorted(v, 99)).to.equal(99);
    expect(percentileSorted(v, 100)).to.equal(100);
    expect(percentileSorted([7, 9, 30], 50)).to.equal(9);
    expect(percentileSorted([7, 9, 30], 99)).to.equal(30);
  });

  it('refuses an empty sample and a percentile outside (0, 100]', () => {
    expect(() => percentileSorted([], 50)).to.throw(RangeError);
    expect(() => percentileSorted([1], 0)).to.throw(RangeError);
    expect(() => percentileSorted([1], 101)).to.throw(RangeError);
    expect(() => summarize([])).to.throw(RangeError);
  });

  it('summarises an unsorted sample numerically, not as strings', () => {
    const s = summarize([10, 9, 100, 2, 1]);
    expect(s).to.deep.equal({ n: 5, min: 1, p50: 9, p90: 100, p99: 100, max: 100, mean: 24.4 });
  });

  it('rounds to the asked number of digits', () => {
    expect(round(1.23456)).to.equal(1.23);
    expect(round(1.23456, 1)).to.equal(1.2);
    expect(round(0.1 + 0.2, 3)).to.equal(0.3);
  });
});
