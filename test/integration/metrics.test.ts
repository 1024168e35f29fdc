/** Issue 7, observability: /metrics has every series the operators need, with real values. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { openSocket } from '../helpers/socket.js';

let db: TestDatabase;
let service: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({ databaseUrl: db.url, env: { MOCK_FAILURE_RATE: '0.5', MAX_RETRIES: '20' } });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

const QUESTIONS = 20;

const sample = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(series));
  if (!line) throw new Error(`no ${series} in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('GET /metrics', () => {
  it('reports requests, queue, workers, provider calls, retries, sockets and the relay lag', async () => {
    const socket = openSocket(`${service.url}/monitor`);
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    // At MOCK_FAILURE_RATE 0.5, 10 questions all answered at the first try (no retry to count)
    // happened once in CI (p = 2^-10); with 20 it is one run in a million.
    const ids = await Promise.all(Array.from({ length: QUESTIONS }, (_, i) => ask(service.url, `question ${i}`)));
    for (const id of ids) await waitForFinal(service.url, id);
    await getJson(service.url, '/api/chat/not-a-uuid');

    const response = await fetch(`${service.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(sample(text, 'medchat_http_requests_total{method="POST",route="/api/chat",status="202"}')).toBe(QUESTIONS);
    expect(sample(text, 'medchat_http_requests_total{method="GET",route="/api/chat/:messageId",status="400"}')).toBe(1);
    expect(text).toMatch(
      /medchat_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/api\/chat",status="202"\}/,
    );
    expect(sample(text, 'medchat_queue_length')).toBe(0);
    expect(sample(text, 'medchat_active_workers')).toBe(0);
    expect(sample(text, 'medchat_provider_call_duration_seconds_count{provider="mock",outcome="success"}')).toBe(
      QUESTIONS,
    );
    const retries = Number((await db.query('SELECT sum(retries)::int AS n FROM messages')).rows[0]?.n);
    expect(retries).toBeGreaterThan(0);
    expect(sample(text, 'medchat_retries_total{provider="mock"}')).toBe(retries);
    expect(
      sample(text, 'medchat_provider_call_duration_seconds_count{provider="mock",outcome="retryable_error"}'),
    ).toBe(retries);
    expect(sample(text, 'medchat_socket_connections{namespace="/monitor"}')).toBe(1);
    await eventually(async () => {
      const again = await (await fetch(`${service.url}/metrics`)).text();
      return sample(again, 'medchat_notify_relay_lag_seconds_count{channel="message_status"}') >= 30;
    });
    expect(text).toMatch(/^medchat_process_resident_memory_bytes \d+/m);
    socket.close();
  });

  it('labels requests by route pattern, never by URL, so ids and junk paths add no series', async () => {
    const ids = Array.from({ length: 25 }, () => randomUUID());
    const junk = Array.from({ length: 25 }, (_, i) => `/no/such/${randomUUID()}/${i}`);
    for (const id of ids) expect((await getJson(service.url, `/api/chat/${id}`)).status).toBe(404);
    // Outside /api the web app's index.html (when built) answers paths that accept HTML; not JSON.
    const json = { headers: { accept: 'application/json' } };
    for (const path of junk) expect((await fetch(`${service.url}${path}`, json)).status).toBe(404);
    for (const path of junk) expect((await fetch(`${service.url}/api${path}`)).status).toBe(404);
    const text = await (await fetch(`${service.url}/metrics`)).text();
    for (const value of [...ids, ...junk]) expect(text).not.toContain(value);
    expect(sample(text, 'medchat_http_requests_total{method="GET",route="/api/chat/:messageId",status="404"}')).toBe(
      25,
    );
    expect(sample(text, 'medchat_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(50);
    const series = text.split('\n').filter((l) => l.startsWith('medchat_http_requests_total{'));
    expect(series.length).toBeLessThan(15);
  });
});

describe('GET /metrics under load', () => {
  it('reports the queue length and the busy workers while messages wait', async () => {
    const busy = await startTestService({ databaseUrl: db.url, env: { MAX_WORKERS: '1', MOCK_LATENCY_MS: '1500' } });
    try {
      const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => ask(busy.url, `slow question ${i}`)));
      const text = await eventually(async () => {
        const scraped = await (await fetch(`${busy.url}/metrics`)).text();
        return sample(scraped, 'medchat_active_workers') === 1 ? scraped : '';
      });
      expect(sample(text, 'medchat_queue_length')).toBe(2);
      for (const id of ids) await waitForFinal(busy.url, id);
    } finally {
      await busy.close();
    }
  }, 30_000);
});
