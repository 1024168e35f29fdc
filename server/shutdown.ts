/**
 * The process's shutdown on SIGTERM/SIGINT: close the service (its workers get
 * SHUTDOWN_GRACE_SECONDS to finish), then the embedded database. Whatever close() waits for, the
 * process exits by the deadline (the grace plus SHUTDOWN_OVERRUN_MS): a supervisor without a kill
 * timeout must see it go, and nothing that matters lives only in memory. A second signal exits at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddedDatabase } from './db/embedded.js';
import type { Logger } from './logger.js';
import type { Service } from './service.js';

/** What close() may take beyond the workers' grace before the process exits anyway. */
export const SHUTDOWN_OVERRUN_MS = 5000;
/** What stopping the embedded PostgreSQL (a child process) may take once the deadline has passed. */
const EMBEDDED_STOP_MS = 2000;

export interface ShutdownDeps {
  service: Pick<Service, 'close' | 'unstopped'>;
  embedded?: Pick<EmbeddedDatabase, 'stop'> | undefined;
  logger: Logger;
  graceMs: number;
  /** Default SHUTDOWN_OVERRUN_MS. */
  overrunMs?: number;
  /** Default process.exit. */
  exit?: (code: number) => void;
}

/** The handler for a signal: the first one shuts down, a second exits at once. */
export function shutdownOnSignal(deps: ShutdownDeps): (signal: string) => Promise<void> {
  const { logger } = deps;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  return async (signal) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      return exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(
      () => void exitOverdue(deps, exit),
      deps.graceMs + (deps.overrunMs ?? SHUTDOWN_OVERRUN_MS),
    );
    try {
      await deps.service.close();
      await deps.embedded?.stop();
      clearTimeout(deadline);
      exit(0);
    } catch (error) {
      clearTimeout(deadline);
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    }
  };
}

/** close() overran: says what it still waits for, stops the embedded database if any, and exits. */
async function exitOverdue(deps: ShutdownDeps, exit: (code: number) => void): Promise<void> {
  const handles: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1;
  deps.logger.error(
    { stillStopping: deps.service.unstopped(), openHandles: handles },
    'shutdown overran its deadline; exiting anyway',
  );
  if (deps.embedded) await Promise.race([deps.embedded.stop().catch(() => undefined), sleep(EMBEDDED_STOP_MS)]);
  exit(1);
}
