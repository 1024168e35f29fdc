/**
 * The batcher: a call made while it is idle runs at once; calls made while a statement runs
 * share the next one; a bad item fails alone.
 */
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../server/db/batcher.js';

/** A batch function whose runs are recorded and finish only when released. */
function gatedRuns<I>() {
  const runs: I[][] = [];
  const gates: Array<() => void> = [];
  const run = (items: I[]) =>
    new Promise<string[]>((resolve) => {
      runs.push(items);
      gates.push(() => resolve(items.map((item) => `done ${String(item)}`)));
    });
  return { runs, release: () => gates.shift()?.(), run };
}

describe('createBatcher', () => {
  it('runs a call made while idle at once, before the turn ends', () => {
    const { runs, run } = gatedRuns<number>();
    const batched = createBatcher(run, { maxBatch: 10 });
    void batched(1);
    // Synchronously: no waiting for the end of the event-loop turn.
    expect(runs).toEqual([[1]]);
  });

  it('coalesces the calls made while a statement runs, in order, up to maxBatch', async () => {
    const { runs, release, run } = gatedRuns<number>();
    const batched = createBatcher(run, { maxBatch: 3 });
    const results = [1, 2, 3, 4, 5].map(batched);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([[1], [2, 3, 4], [5]]);
    for (let i = 0; i < 3; i++) release();
    expect(await Promise.all(results)).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    // Idle again: the next call goes at once.
    void batched(6);
    expect(runs.at(-1)).toEqual([6]);
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
    const results = await Promise.allSettled(['first', 'a', 'bad', 'c'].map(insert));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'ok first' },
      { status: 'fulfilled', value: 'ok a' },
      { status: 'rejected', reason: new Error('invalid byte sequence') },
      { status: 'fulfilled', value: 'ok c' },
    ]);
    expect(runs).toEqual([['first'], ['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('a batch function that throws instead of rejecting fails its call and leaves the batcher usable', async () => {
    let calls = 0;
    const batched = createBatcher(
      (items: number[]) => {
        calls++;
        if (calls === 1) throw new Error('thrown synchronously');
        return Promise.resolve(items);
      },
      { maxBatch: 10 },
    );
    await expect(batched(1)).rejects.toThrow('thrown synchronously');
    // Still idle (nothing counted as running): the next call goes at once, alone.
    const next = batched(2);
    expect(calls).toBe(2);
    expect(await next).toBe(2);
  });
});
