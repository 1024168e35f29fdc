/**
 * withDatabaseRetry: a statement is retried while the database is away, for as long as it takes,
 * until the worker stops; a statement that is wrong fails at once.
 */
import { describe, expect, it } from 'vitest';
import { unlessStopped, withDatabaseRetry } from '../../server/queue/database-retry.js';

const away = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('withDatabaseRetry', () => {
  it('retries while the database is away, telling each wait, and returns what the statement returns', async () => {
    let calls = 0;
    const waits: unknown[] = [];
    const result = await withDatabaseRetry(
      new AbortController().signal,
      async () => {
        calls += 1;
        if (calls < 4) throw away();
        return 'stored';
      },
      (error) => waits.push(error),
    );
    expect(result).toBe('stored');
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('fails at once on an error of the statement itself', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('new row violates check constraint'), { code: '23514' });
    await expect(
      withDatabaseRetry(new AbortController().signal, async () => {
        calls += 1;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('ends a wait when the signal aborts, with the database error', async () => {
    const stop = new AbortController();
    const error = away();
    let calls = 0;
    const statement = async () => {
      calls += 1;
      throw error;
    };
    await expect(withDatabaseRetry(stop.signal, statement, () => stop.abort())).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('unlessStopped: undefined when the worker was stopped first, other errors propagate', async () => {
    const stop = new AbortController();
    expect(
      await unlessStopped(
        stop.signal,
        () => Promise.reject(away()),
        () => stop.abort(),
      ),
    ).toBeUndefined();
    const wrong = Object.assign(new Error('syntax error'), { code: '42601' });
    await expect(unlessStopped(new AbortController().signal, () => Promise.reject(wrong))).rejects.toBe(wrong);
  });
});
