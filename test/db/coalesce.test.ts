import { expect } from 'chai';
import { coalesce } from '../../src/db/coalesce.js';

// Calls made while the event loop is busy go to one flush (one statement); a flush that fails is retried key by key,
// so one bad key fails alone.
describe('coalesce', () => {
  it('flushes the calls made in one turn of the event loop together, results in the callers\' order', async () => {
    const flushes: number[][] = [];
    const double = coalesce<number, number>(async (keys) => {
      flushes.push([...keys]);
      return keys.map((k) => k * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).to.deep.equal([2, 4, 6]);
    expect(await double(4)).to.equal(8);
    expect(flushes).to.deep.equal([[1, 2, 3], [4]]);
  });

  it('retries a failed flush key by key: only the key that fails alone is rejected', async () => {
    const flushes: number[][] = [];
    const checked = coalesce<number, string>(async (keys) => {
      flushes.push([...keys]);
      if (keys.includes(13)) throw new Error('13 is refused');
      return keys.map(String);
    });
    const results = await Promise.allSettled([12, 13, 14].map(checked));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).to.deep.equal(['12', '13 is refused', '14']);
    expect(flushes).to.deep.equal([[12, 13, 14], [12], [13], [14]]);
  });
});
