import { expect } from 'chai';
import { quietLogger } from '../../src/db/data-source.js';

// graphile-worker's log, as a server prints it: errors and warnings, one line each, and not the pool-size warning the
// webhook pool would raise at every start (it runs more jobs than it has connections on purpose).
describe('the worker log', () => {
  function printed(fn: () => void): string[] {
    const lines: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => { lines.push(args.join(' ')); };
    try {
      fn();
    } finally {
      console.error = original;
    }
    return lines;
  }

  it('prints warnings and errors on one line each, and leaves out the pool-size warning', () => {
    expect(printed(() => quietLogger.warn('WARNING: having maxPoolSize (12) smaller than concurrency (32) may lead to non-optimal performance.'))).to.deep.equal([]);
    expect(printed(() => quietLogger.warn('the queue is stuck\nat somewhere'))).to.deep.equal(['[worker] warning: the queue is stuck']);
    expect(printed(() => quietLogger.error('Failed task 1'))).to.deep.equal(['[worker] error: Failed task 1']);
    expect(printed(() => quietLogger.info('Worker connected'))).to.deep.equal([]);
  });
});
