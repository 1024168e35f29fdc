import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs a write that must not be lost to a short database outage (a restart): retries on
 * connection errors for about 30 s. If it still fails, the error propagates; the message's lease
 * then runs out and the sweeper gives it to a worker again.
 */
export async function withDatabaseRetry<T>(signal: AbortSignal, write: () => Promise<T>): Promise<T> {
  const delays = [100, 250, 500, 1000, 2000, 4000, 8000, 15_000];
  for (let i = 0; ; i++) {
    try {
      return await write();
    } catch (error) {
      const delay = delays[i];
      if (delay === undefined || !isConnectionError(error) || signal.aborted) throw error;
      await sleep(delay);
    }
  }
}

/** Errors that mean "the database is away", not "the statement is wrong". */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    // 08xxx connection exceptions, 57P0x admin/crash shutdown, system errors from the socket.
    if (
      code.startsWith('08') ||
      code.startsWith('57P') ||
      ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)
    ) {
      return true;
    }
  }
  const message = (error as { message?: unknown })?.message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(message)
  );
}
