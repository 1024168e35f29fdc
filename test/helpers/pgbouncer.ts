/**
 * A real PgBouncer in front of a PostgreSQL server, for the tests and the benchmark: its ini and
 * auth file in a temporary folder, on a free port, stopped by stop(). No vitest here (the bench
 * imports it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { anyFreePort } from '../../server/free-port.js';

export interface PgBouncer {
  port: number;
  /** The same user, password and database as `databaseUrl`, through the pooler. */
  urlOf(databaseUrl: string): string;
  /** Its log so far (stderr). */
  output(): string;
  /** `SHOW <what>` of its admin console (STATS: a row per database; CLIENTS: per client connection). */
  show(what: 'STATS' | 'CLIENTS' | 'POOLS'): Promise<Array<Record<string, string>>>;
  stop(): Promise<void>;
}

export const PGBOUNCER_MISSING =
  'pgbouncer is not installed, and these tests need a real one: apt-get install -y pgbouncer ' +
  '(.ci/run installs it with the other system packages).';

const START_TIMEOUT_MS = 15_000;

/** The pgbouncer binary (Debian puts it in /usr/sbin, often not on a user's PATH), if installed. */
export function pgBouncerBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.join(dir, 'pgbouncer'))
    .find((file) => existsSync(file));
}

/** pgbouncer's ini quoting: values are taken to the end of the line; no newlines allowed. */
function iniValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('PgBouncer settings cannot contain line breaks');
  return value;
}

function iniOf(params: {
  server: URL;
  port: number;
  folder: string;
  poolMode: 'session' | 'transaction';
  poolSize: number;
}): string {
  const { server } = params;
  const password = decodeURIComponent(server.password);
  // Every database name goes to the same-named database on the server (the tests make their own).
  const target = [`host=${server.hostname}`, `port=${server.port || '5432'}`];
  if (password) target.push(`password=${password}`);
  return [
    '[databases]',
    `* = ${iniValue(target.join(' '))}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${params.port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${path.join(params.folder, 'userlist.txt')}`,
    `admin_users = ${iniValue(decodeURIComponent(server.username) || 'postgres')}`,
    `pool_mode = ${params.poolMode}`,
    `default_pool_size = ${params.poolSize}`,
    'max_client_conn = 1000',
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n');
}

/** PgBouncer refuses to run as root: as root it runs as `postgres` (setpriv execs, so the child is pgbouncer itself). */
function spawnAsPostgres(binary: string, ini: string): ChildProcess {
  const isRoot = process.getuid?.() === 0;
  const [command, args] = isRoot
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', binary, ini]]
    : [binary, [ini]];
  return spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves once PgBouncer logs that it is up (it listens before it says so); rejects if it exits first. */
function untilUp(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`PgBouncer did not start: ${output()}`)), START_TIMEOUT_MS);
    const onData = () => {
      if (!output().includes('process up')) return;
      cleanup();
      resolve();
    };
    const onExit = (code: number | null) => fail(new Error(`PgBouncer exited (${code}) at start: ${output()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Starts PgBouncer in front of the server of `serverUrl` (its host, port, user and password).
 * `poolSize` server connections per database and user: fewer than the clients' pools, so server
 * sessions are shared between clients as in production.
 */
export async function startPgBouncer(params: {
  serverUrl: string;
  poolMode: 'session' | 'transaction';
  poolSize: number;
}): Promise<PgBouncer> {
  const binary = pgBouncerBinary();
  if (!binary) throw new Error(PGBOUNCER_MISSING);
  const server = new URL(params.serverUrl);
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'medchat-pgbouncer-'));
  await fs.chmod(folder, 0o755); // readable by the postgres user
  const port = await anyFreePort();
  const ini = path.join(folder, 'pgbouncer.ini');
  const user = decodeURIComponent(server.username) || 'postgres';
  await fs.writeFile(path.join(folder, 'userlist.txt'), `"${user}" "${decodeURIComponent(server.password)}"\n`, {
    mode: 0o644,
  });
  await fs.writeFile(ini, iniOf({ server, port, folder, ...params }), { mode: 0o644 });

  let log = '';
  const child = spawnAsPostgres(binary, ini);
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeFolder = () => fs.rm(folder, { recursive: true, force: true });
  try {
    await untilUp(child, () => log);
  } catch (error) {
    await removeFolder();
    throw error;
  }

  const urlOf = (databaseUrl: string) => {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    return url.toString();
  };
  return {
    port,
    urlOf,
    output: () => log,
    async show(what) {
      const admin = new URL(urlOf(params.serverUrl));
      admin.pathname = '/pgbouncer';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        return (await client.query<Record<string, string>>(`SHOW ${what}`)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // "fast exit"
      await exited;
      await removeFolder();
    },
  };
}
