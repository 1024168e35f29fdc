/**
 * The shutdown on a signal: a close() that finishes exits 0; one that overruns the grace plus
 * SHUTDOWN_OVERRUN_MS is cut short with exit 1, after a line naming what it still waited for; a
 * second signal exits at once.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StopStack } from '../../server/lifecycle.js';
import { createLogger } from '../../server/logger.js';
import { SHUTDOWN_OVERRUN_MS, shutdownOnSignal } from '../../server/shutdown.js';

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

/** A service whose close() unwinds a real stop stack: parts a, b and c, c (stopped first) as given. */
function serviceStoppingC(stopC: () => Promise<void>) {
  const stack = new StopStack(() => undefined);
  stack.push('a', () => undefined);
  stack.push('b', () => undefined);
  stack.push('c', stopC);
  return { close: () => stack.unwind(), unstopped: () => stack.remaining() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('shutdown on a signal', () => {
  it('exits 0 once close() has finished, and the deadline does not fire after', async () => {
    vi.useFakeTimers();
    const { logger, lines } = capturedLogger();
    const exit = vi.fn();
    const shutdown = shutdownOnSignal({
      service: serviceStoppingC(async () => undefined),
      logger,
      graceMs: 1000,
      exit,
    });
    await shutdown('SIGTERM');
    expect(exit.mock.calls).toEqual([[0]]);
    await vi.advanceTimersByTimeAsync(1000 + SHUTDOWN_OVERRUN_MS + 1);
    expect(exit.mock.calls).toEqual([[0]]);
    expect(lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
  });

  it('exits 1 at the grace plus the overrun when close() hangs, naming what is still stopping', async () => {
    vi.useFakeTimers();
    const { logger, lines } = capturedLogger();
    const exit = vi.fn();
    const hanging = serviceStoppingC(() => new Promise<void>(() => undefined));
    void shutdownOnSignal({ service: hanging, logger, graceMs: 1000, exit })('SIGTERM');
    await vi.advanceTimersByTimeAsync(1000 + SHUTDOWN_OVERRUN_MS - 1);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit.mock.calls).toEqual([[1]]);
    const overran = lines.find((line) => line.msg === 'shutdown overran its deadline; exiting anyway');
    expect(overran).toMatchObject({ level: 50, stillStopping: ['c', 'b', 'a'], openHandles: expect.any(Object) });
  });

  it('exits 1 at once on a second signal', async () => {
    const { logger } = capturedLogger();
    const exit = vi.fn();
    const shutdown = shutdownOnSignal({
      service: serviceStoppingC(() => new Promise<void>(() => undefined)),
      logger,
      graceMs: 60_000,
      exit,
    });
    void shutdown('SIGTERM');
    await shutdown('SIGINT');
    expect(exit.mock.calls).toEqual([[1]]);
  });
});
