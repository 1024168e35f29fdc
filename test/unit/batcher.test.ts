/** The batcher: calls of one event-loop turn share one run; a bad item fails alone. */
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../server/db/batcher.js';

describe('createBatcher', () => {
  it('runs the calls made together as one batch, in order, up to maxBatch', async () => {
    const runs: number[][] = [];
    const double = createBatcher(
      async (items: number[]) => {
        runs.push(items);
        return items.map((n) => n * 2);
      },
      { maxBatch: 3 },
    );
    expect(await Promise.all([1, 2, 3, 4].map(double))).toEqual([2, 4, 6, 8]);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('fails only the bad item when a batch fails, running the others again on their own', async () => {
    const runs: string[][] = [];
    const insert = createBatcher(
      async (items: string[]) => {
        runs.push(items);
        if (items.includes('bad')) throw new Error('invalid byte sequence');
        return items.map((item) => `ok ${item}`);
      },
      { maxBatch: 10 },
    );
    const results = await Promise.allSettled(['a', 'bad', 'c'].map(insert));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'ok a' },
      { status: 'rejected', reason: new Error('invalid byte sequence') },
      { status: 'fulfilled', value: 'ok c' },
    ]);
    expect(runs).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });
});
