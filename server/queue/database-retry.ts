import { setTimeout as sleep } from 'node:timers/promises';

const FIRST_DELAY_MS = 100;
/** Short enough that a write lands soon after the database is back. */
const MAX_DELAY_MS = 2000;

/**
 * Runs a statement that must not be lost to a database outage (a restart, a failover), retrying
 * on connection errors with backoff for as long as it takes, until `signal` aborts (the instance
 * stops, or the message was cancelled). Any other error, or the abort, propagates.
 */
export async function withDatabaseRetry<T>(
  signal: AbortSignal,
  statement: () => Promise<T>,
  /** Told each time the database was found away, before the wait. */
  onWaiting?: (error: unknown) => void,
): Promise<T> {
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(MAX_DELAY_MS, delay * 2)) {
    try {
      return await statement();
    } catch (error) {
      if (!isConnectionError(error) || signal.aborted) throw error;
      onWaiting?.(error);
      // An abort while waiting ends the wait: the error it throws is the one to report.
      await sleep(delay, undefined, { signal }).catch(() => {
        throw error;
      });
    }
  }
}

/** As withDatabaseRetry, but undefined when `signal` aborted first (the worker was stopped). */
export async function unlessStopped<T>(
  signal: AbortSignal,
  statement: () => Promise<T>,
  onWaiting?: (error: unknown) => void,
): Promise<T | undefined> {
  try {
    return await withDatabaseRetry(signal, statement, onWaiting);
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
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
