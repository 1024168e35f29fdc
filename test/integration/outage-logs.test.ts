/**
 * Issue 16, logs during a database outage: /health's expected 503 is a warning, not an error, and
 * the listener's reconnect leaves nothing on stderr (pg-listen re-sent its LISTENs concurrently,
 * which pg 8 answers with a DeprecationWarning). The real server as a child process, so its
 * stderr is its own; the outage is its database refusing connections, its sessions ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/http.js';
import { type ServerProcess, startServerProcess } from '../helpers/process.js';

let db: TestDatabase;
let server: ServerProcess | undefined;
let stderr = '';

/** Nothing new can connect to the test database, and every session on it is ended. */
async function databaseAway(): Promise<void> {
  await adminQuery(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
}
const databaseBack = () => adminQuery(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);

interface LogLine {
  level: number;
  msg: string;
  req?: { path: string };
  res?: { status: number };
}
const linesOf = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServerProcess({ DATABASE_URL: db.url, LOG_LEVEL: 'info' });
  server.child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
});
afterAll(async () => {
  await server?.kill('SIGKILL');
  await databaseBack().catch(() => undefined);
  await db?.drop();
});

describe('a database outage', () => {
  it('logs /health 503 as a warning, and the listener reconnects without a DeprecationWarning on stderr', async () => {
    const running = server as ServerProcess;
    await databaseAway();
    await eventually(async () => (await fetch(`${running.url}/health`)).status === 503, 15_000, 'health 503');
    await databaseBack();
    await eventually(
      () => running.output().includes('notification listener reconnected'),
      20_000,
      'the listener reconnected',
    );
    await eventually(async () => (await fetch(`${running.url}/health`)).status === 200, 15_000, 'health 200');
    expect(await running.kill('SIGTERM')).toBe(0);

    const health = linesOf(running.output()).filter((l) => l.req?.path === '/health' && l.res?.status === 503);
    expect(health.length).toBeGreaterThan(0);
    expect(health.map((l) => [l.level, l.msg])).toEqual(health.map(() => [40, 'service unavailable']));
    expect(stderr).not.toMatch(/DeprecationWarning/);
    expect(stderr).toBe('');
  }, 90_000);
});
