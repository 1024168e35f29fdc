/**
 * The service as real processes: killed with SIGKILL mid-processing and started again, two
 * processes on one database, graceful shutdown on SIGTERM, start-up on bad configuration, and
 * the embedded-database path of a fresh machine.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { answeredIds, type ServerProcess, startServerProcess } from '../helpers/process.js';

let db: TestDatabase;
const started: ServerProcess[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
// A test that fails midway must not leave servers behind to take the next test's messages.
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.kill('SIGKILL')));
});
afterAll(async () => {
  await db?.drop();
});

async function start(env: Record<string, string>) {
  const server = await startServerProcess({ DATABASE_URL: db.url, ...env });
  started.push(server);
  return server;
}

const statusCounts = async (ids: string[]) =>
  (
    await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[]) GROUP BY status',
      [ids],
    )
  ).rows;

describe('crash and restart', () => {
  it('finishes every message exactly once after a SIGKILL mid-processing', async () => {
    const env = { MOCK_LATENCY_MS: '600', MAX_WORKERS: '3', WORKER_LEASE_SECONDS: '1', SWEEP_INTERVAL_SECONDS: '0.2' };
    const first = await start(env);
    const ids = await Promise.all(Array.from({ length: 9 }, (_, i) => ask(first.url, `crash question ${i}`)));
    await eventually(async () => (await statusCounts(ids)).some((r) => r.status === 'processing'), 5000, 'processing');
    await first.kill('SIGKILL');
    const atCrash = await statusCounts(ids);
    expect(atCrash.find((r) => r.status === 'completed')?.n ?? 0).toBeLessThan(9);

    const second = await start(env);
    for (const id of ids) expect((await waitForFinal(second.url, id, 30_000)).status).toBe('completed');
    expect(await statusCounts(ids)).toEqual([{ status: 'completed', n: 9 }]);
    // Each message was completed once: by the first process before the crash, or by the second.
    // A worker logs after its commit, so the last lines may still be on their way through the pipe.
    const completedBy = () => [...answeredIds(first.output()), ...answeredIds(second.output())];
    await eventually(() => ids.every((id) => completedBy().includes(id)), 5000, 'every answer logged');
    for (const id of ids)
      expect(
        completedBy().filter((x) => x === id),
        id,
      ).toHaveLength(1);
    await second.kill('SIGTERM');
  }, 90_000);
});

describe('two processes on one database', () => {
  it('share the work and never process one message twice', async () => {
    const env = { MOCK_LATENCY_MS: '30', MAX_WORKERS: '2', WORKER_LEASE_SECONDS: '2', SWEEP_INTERVAL_SECONDS: '0.2' };
    const [a, b] = await Promise.all([start(env), start(env)]);
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ask(i % 4 === 0 ? b.url : a.url, `shared question ${i}`)),
    );
    for (const id of ids) expect((await waitForFinal(a.url, id, 30_000)).status).toBe('completed');
    // A worker logs after its commit, so the last lines may still be on their way through the pipe.
    const logged = () => [...answeredIds(a.output()), ...answeredIds(b.output())];
    await eventually(() => ids.every((id) => logged().includes(id)), 5000, 'every answer logged');
    const byA = answeredIds(a.output());
    const byB = answeredIds(b.output());
    for (const id of ids)
      expect(
        [...byA, ...byB].filter((x) => x === id),
        id,
      ).toHaveLength(1);
    expect(byB.length).toBeGreaterThan(0);
    // No message was ever claimed twice: one attempt each, no retries configured to fail.
    const attempts = await db.query<{ attempts: number }>('SELECT attempts FROM messages WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
    expect(attempts.rows.every((r) => r.attempts === 1)).toBe(true);
    // Statistics are global: both instances' workers, all messages.
    const stats = (await getJson(b.url, '/api/statistics')).body;
    expect(stats.maxWorkers).toBe(4);
    await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  }, 90_000);
});

describe('graceful shutdown', () => {
  it('on SIGTERM exits 0 and gives unfinished messages back as pending; the next start finishes them', async () => {
    const env = {
      MOCK_LATENCY_MS: '3000',
      MAX_WORKERS: '2',
      SHUTDOWN_GRACE_SECONDS: '0.2',
      WORKER_LEASE_SECONDS: '30',
    };
    const server = await start(env);
    const ids = await Promise.all(Array.from({ length: 4 }, (_, i) => ask(server.url, `shutdown question ${i}`)));
    await eventually(async () => (await statusCounts(ids)).some((r) => r.status === 'processing'), 5000, 'processing');
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(await statusCounts(ids)).toEqual([{ status: 'pending', n: 4 }]);
    const held = await db.query(
      'SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[]) AND claimed_by IS NOT NULL',
      [ids],
    );
    expect(held.rows[0]).toEqual({ n: 0 }); // released, not waiting for a lease to expire
    const next = await start({ ...env, MOCK_LATENCY_MS: '20' });
    for (const id of ids) expect((await waitForFinal(next.url, id, 30_000)).status).toBe('completed');
    await next.kill('SIGTERM');
  }, 60_000);
});

describe('start-up on bad configuration', () => {
  it.each([
    [{ SERVER_PORT: 'abc' }, /^medchat: Invalid SERVER_PORT="abc": must be a whole number from 0 to 65535$/m],
    [{ LLM_PROVIDER: 'nope' }, /Invalid LLM_PROVIDER="nope": must be one of anthropic, openai, deepseek, mock/],
    [{ MOCK_FAILURE_RATE: '2' }, /Invalid MOCK_FAILURE_RATE="2": must be a number from 0 to 1/],
    [{ MAX_WORKERS: '0' }, /Invalid MAX_WORKERS="0": must be a whole number from 1 to 10000/],
    [{ LLM_PROVIDER: 'anthropic' }, /LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY/],
    [{ DATABASE_URL: 'mysql://x' }, /Invalid DATABASE_URL: must be a URL such as postgres:/],
  ])('%j stops start-up with one clear line', async (env, message) => {
    const server = await startServerProcess({ DATABASE_URL: db.url, ...env }, { waitForHealth: false });
    const code = await Promise.race([server.exited, sleep(15_000).then(() => 'timeout')]);
    expect(code).toBe(2);
    expect(server.output()).toMatch(message);
    expect(
      server
        .output()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('medchat:')),
    ).toHaveLength(1);
  });
});

describe('a fresh machine: the embedded PostgreSQL', () => {
  it('starts without DATABASE_URL, keeps the history across restarts, refuses a second start, takes over after a kill', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'medchat-embedded-'));
    await fs.chmod(dir, 0o755);
    const env = { DATABASE_URL: '', EMBEDDED_PG_DIR: path.join(dir, 'pg'), EMBEDDED_PG_PORT: '0' };
    try {
      const first = await startServerProcess(env);
      const id = await ask(first.url, 'Embedded question about a cough');
      expect((await waitForFinal(first.url, id)).status).toBe('completed');
      expect(await first.kill('SIGTERM')).toBe(0);
      const second = await startServerProcess(env);
      expect(await waitForFinal(second.url, id)).toMatchObject({ status: 'completed' });
      expect((await getJson(second.url, '/api/statistics')).body.messagesSucceeded).toBe(1);

      // Started twice on one folder: the second is refused and leaves the first's database alone.
      const twice = await startServerProcess(env, { waitForHealth: false });
      expect(await Promise.race([twice.exited, sleep(30_000).then(() => 'timeout')])).toBe(1);
      expect(twice.output()).toMatch(/is running the embedded PostgreSQL in .*MedChat is probably running already/);
      expect((await getJson(second.url, '/health')).body).toEqual({ status: 'ok', database: 'ok' });
      expect(await second.kill('SIGTERM')).toBe(0);

      // Killed with SIGKILL, it leaves its database running: the next start takes it over.
      const killed = await startServerProcess(env);
      expect(await killed.kill('SIGKILL')).toBe('SIGKILL');
      const after = await startServerProcess(env);
      expect(await waitForFinal(after.url, id)).toMatchObject({ status: 'completed' });
      expect(after.output()).toMatch(/stopping the embedded PostgreSQL left running by a previous run/);
      expect(await after.kill('SIGTERM')).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
