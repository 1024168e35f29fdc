/**
 * Issue 7, faults: PostgreSQL restarted while messages are in flight; a provider that is down
 * for a while; draining on shutdown. The restarted database is a dedicated embedded server
 * (stopped and started again on the same data folder and port), so it disturbs no other test.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../server/db/embedded.js';
import { createLogger } from '../../server/logger.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import { ProviderError } from '../../server/providers/types.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson, postJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { openSocket } from '../helpers/socket.js';

describe('PostgreSQL restarted while messages are in flight', () => {
  let dir: string;
  let database: EmbeddedDatabase;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'medchat-restart-'));
    await fs.chmod(dir, 0o755);
    database = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      port: 0,
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await database?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('goes 503 then 200 by itself, reconnects its listener, and finishes every message exactly once', async () => {
    const service = await startTestService({
      databaseUrl: database.url,
      env: { MOCK_LATENCY_MS: '400', MAX_WORKERS: '4', WORKER_LEASE_SECONDS: '1', SWEEP_INTERVAL_SECONDS: '0.3' },
    });
    const socket = openSocket(`${service.url}/monitor`);
    const completedEvents = new Map<string, number>();
    socket.on('message:status', (event: MessageStatusEvent) => {
      if (event.status === 'completed')
        completedEvents.set(event.messageId, (completedEvents.get(event.messageId) ?? 0) + 1);
    });
    // A chat client following every message, as the web app does.
    const follower = openSocket(service.url);
    const followed = new Map<string, number>();
    follower.on('message:status', (event: MessageStatusEvent) => {
      if (event.status === 'completed') followed.set(event.messageId, (followed.get(event.messageId) ?? 0) + 1);
    });
    try {
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, i) => ask(service.url, `question ${i} about sleep`)),
      );
      for (const messageId of ids) {
        expect(await follower.emitWithAck('subscribe', { messageId })).toMatchObject({ message: { messageId } });
      }
      // In flight for real: workers are inside their provider calls when the database goes.
      await eventually(() => service.dispatcher.activeWorkers > 0, 5_000, 'messages being answered');
      const unfinished = (await Promise.all(ids.map((id) => getJson(service.url, `/api/chat/${id}`)))).filter(
        ({ body }) => body.status === 'pending' || body.status === 'processing',
      );
      expect(unfinished.length).toBeGreaterThan(0);

      await database.stop();
      await eventually(async () => (await getJson(service.url, '/health')).status === 503, 10_000, 'health 503');
      const down = await postJson(service.url, '/api/chat', { question: 'asked while the database is down' });
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ error: expect.stringMatching(/database/i) });
      await sleep(1000); // the outage itself, not a wait for something to happen

      database = await startEmbeddedPostgres({
        dataDir: path.join(dir, 'data'),
        port: database.port,
        logger: createLogger('silent'),
      });
      await eventually(async () => (await getJson(service.url, '/health')).status === 200, 20_000, 'health 200');

      const finals = await Promise.all(ids.map((id) => waitForFinal(service.url, id, 60_000)));
      expect(finals.every((f) => f.status === 'completed')).toBe(true);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const rows = await client.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM messages GROUP BY status ORDER BY status',
      );
      await client.end();
      expect(rows.rows).toEqual([{ status: 'completed', n: 12 }]); // nothing lost, nothing stuck, nothing extra

      // The listener came back: a new message's events reach the monitor socket.
      const after = await ask(service.url, 'asked after the restart');
      await eventually(() => completedEvents.get(after) === 1, 10_000, 'events after the restart');
      // The follower learnt every message's end (re-sent after the reconnect if its NOTIFY was
      // lost), once each; the monitor never heard one twice.
      await eventually(() => ids.every((id) => followed.has(id)), 10_000, 'every followed message finished');
      // A duplicate would arrive before the events of a question asked after it, on both sockets.
      const { messageId: sentinel } = await follower.emitWithAck('ask', { question: 'the last question' });
      await eventually(() => followed.has(sentinel) && completedEvents.has(sentinel), 10_000, 'the last question');
      expect(ids.map((id) => followed.get(id))).toEqual(ids.map(() => 1));
      expect([...completedEvents.values()].every((n) => n === 1)).toBe(true);
    } finally {
      socket.close();
      follower.close();
      await service.close();
    }
  }, 120_000);
});

describe('a provider that is down for a while', () => {
  class FlakyProvider implements LlmProvider {
    readonly name = 'flaky';
    readonly model = 'flaky-1';
    down = true;
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      if (this.down) {
        throw new ProviderError('The model provider is unavailable (503); try again later.', {
          retryable: true,
          status: 503,
        });
      }
      request.onText('fine');
      return { text: 'fine', usage: { promptTokens: 1, completionTokens: 1 }, provider: this.name, model: this.model };
    }
  }

  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('fails messages with a clear error after their retries, stays responsive, and recovers', async () => {
    const provider = new FlakyProvider();
    const service = await startTestService({
      databaseUrl: db.url,
      provider,
      env: { MAX_RETRIES: '2', RETRY_DELAY: '0.05' },
    });
    try {
      const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(service.url, `question ${i}`)));
      const started = performance.now();
      const health = await getJson(service.url, '/health');
      expect(health.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
      const finals = await Promise.all(ids.map((id) => waitForFinal(service.url, id)));
      for (const final of finals) {
        expect(final).toEqual({ status: 'failed', error: 'The model provider is unavailable (503); try again later.' });
      }
      const rows = await db.query<{ retries: number; attempts: number }>('SELECT retries, attempts FROM messages');
      expect(rows.rows.every((r) => r.retries === 2 && r.attempts === 3)).toBe(true);
      expect((await getJson(service.url, '/api/statistics')).body).toMatchObject({
        messagesFailed: 6,
        totalRetries: 12,
      });

      provider.down = false;
      const later = await ask(service.url, 'the provider is back');
      expect(await waitForFinal(service.url, later)).toEqual({ status: 'completed', response: 'fine' });
    } finally {
      await service.close();
    }
  });
});

describe('draining (SIGTERM)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('fails readiness while in-flight answers finish: 503 on open connections, new ones refused', async () => {
    const service = await startTestService({
      databaseUrl: db.url,
      env: { MOCK_LATENCY_MS: '1500', SHUTDOWN_GRACE_SECONDS: '5' },
    });
    const id = await ask(service.url, 'a slow answer that outlives the start of the shutdown');
    await eventually(() => service.dispatcher.activeWorkers > 0, 5_000, 'answering');
    // A balancer's probe on a kept-alive connection: its request is under way when draining starts.
    const probe = net.connect(service.port, '127.0.0.1');
    await new Promise((resolve) => probe.once('connect', resolve));
    let answer = '';
    probe.on('data', (chunk) => {
      answer += chunk.toString();
    });
    probe.write('GET /health HTTP/1.1\r\nHost: medchat\r\n');
    await sleep(100);
    const closed = service.close();
    await sleep(100);
    probe.write('\r\n');
    await eventually(() => answer.includes('\r\n\r\n{'), 5_000, 'the probe answered');
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toContain('"status":"unavailable"');
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
    probe.destroy();
    await closed;
    // The answer under way was finished, not dropped.
    const rows = await db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [id]);
    expect(rows.rows).toEqual([{ status: 'completed' }]);
  });
});
