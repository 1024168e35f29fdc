/**
 * Live updates (issue 3) with real PostgreSQL, real socket.io-client and real HTTP: order and
 * deltas, ask/subscribe/unsubscribe, other instances' work, SSE, reconnects of clients and of
 * the listener, answers bigger than a NOTIFY payload, 500 clients, statistics pushes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import type { Service } from '../../server/service.js';
import type { Statistics } from '../../shared/rest.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { startServerProcess } from '../helpers/process.js';
import { startTestService } from '../helpers/service.js';
import { connect } from '../helpers/socket.js';
import { readSse } from '../helpers/sse.js';

/** ~30 KB with multi-byte characters, streamed in pieces; "[slow]" questions take 1.5 s. */
const BIG_ANSWER = Array.from({ length: 600 }, (_, i) => `Line ${i}: fièvre, 發燒, 🤒 — drink fluids.`).join('\n');
class BigProvider implements LlmProvider {
  readonly name = 'big';
  readonly model = 'big-1';
  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const question = request.messages.at(-1)?.content ?? '';
    const text = question.includes('[big]') ? BIG_ANSWER : `Answer to: ${question}`;
    const pieces = text.match(/[\s\S]{1,500}/gu) ?? [text];
    const pause = question.includes('[slow]') ? 1500 / pieces.length : 2;
    for (const piece of pieces) {
      await sleep(pause, undefined, { signal: request.signal });
      request.onText(piece);
    }
    return { text, usage: { promptTokens: 1, completionTokens: 1 }, provider: this.name, model: this.model };
  }
}

let db: TestDatabase;
let service: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({ databaseUrl: db.url, env: { MOCK_LATENCY_MS: '200' } });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

describe('Socket.IO', () => {
  it('a subscriber sees pending → processing → completed in order, with gapless deltas that add up to the answer', async () => {
    const client = await connect(service.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'What helps against a headache?' });
    expect(asked).toMatchObject({ messageId: expect.any(String), conversationId: expect.any(String) });
    await eventually(() => client.of(asked.messageId).statuses.some((s) => s.status === 'completed'), 10_000);
    const { statuses, deltas } = client.of(asked.messageId);
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
    expect(deltas.length).toBeGreaterThan(1); // streamed, not all at once
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.text).join('')).toBe(statuses.at(-1)?.response);
    client.socket.close();
  });

  it('subscribe answers with the current state; unsubscribe stops the events; errors are acks', async () => {
    const client = await connect(service.url);
    const id = await ask(service.url, 'Subscribe to me');
    const ack = await client.socket.emitWithAck('subscribe', { messageId: id });
    expect(ack).toEqual({
      message: {
        messageId: id,
        status: expect.stringMatching(/pending|processing/),
        conversationId: expect.any(String),
      },
    });
    expect(await client.socket.emitWithAck('unsubscribe', { messageId: id })).toEqual({ ok: true });
    await waitForFinal(service.url, id);
    await sleep(100);
    expect(client.of(id).statuses.filter((s) => s.status === 'completed')).toEqual([]);
    expect(await client.socket.emitWithAck('subscribe', { messageId: '00000000-0000-4000-8000-000000000000' })).toEqual(
      {
        error: 'No message with that id.',
      },
    );
    expect(await client.socket.emitWithAck('subscribe', { messageId: 'nope' })).toEqual({
      error: 'messageId must be a UUID',
    });
    expect(await client.socket.emitWithAck('ask', { question: '' })).toEqual({ error: 'question must not be empty' });
    expect(await client.socket.emitWithAck('ask', 'not an object')).toEqual({ error: expect.stringMatching(/object/) });
    client.socket.emit('ask', { question: 'no ack at all' }); // dropped quietly, nothing breaks
    expect(client.socket.connected).toBe(true);
    client.socket.close();
  });

  it('a client that disconnects mid-answer and resubscribes ends with the right final state', async () => {
    const client = await connect(service.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'Reconnect during my answer' });
    await eventually(() => client.of(asked.messageId).statuses.some((s) => s.status === 'processing'), 5000);
    client.socket.disconnect();
    await waitForFinal(service.url, asked.messageId);
    client.socket.connect();
    await new Promise((resolve) => client.socket.once('connect', () => resolve(undefined)));
    const ack = await client.socket.emitWithAck('subscribe', { messageId: asked.messageId });
    const final = await waitForFinal(service.url, asked.messageId);
    expect(ack).toMatchObject({ message: { status: 'completed', response: final.response } });
    client.socket.close();
  });

  it('500 clients subscribed at once all get their updates', async () => {
    const started = performance.now();
    const clients = await Promise.all(Array.from({ length: 500 }, () => connect(service.url)));
    const id = await ask(service.url, 'Fan out to everyone');
    await Promise.all(clients.map((c) => c.socket.emitWithAck('subscribe', { messageId: id })));
    const subscribed = performance.now();
    await waitForFinal(service.url, id);
    await eventually(
      () => clients.every((c) => c.of(id).statuses.some((s) => s.status === 'completed')),
      15_000,
      'all 500',
    );
    console.log(
      `500 clients: connected and subscribed in ${Math.round(subscribed - started)} ms, all had the answer ${Math.round(performance.now() - subscribed)} ms after subscribing`,
    );
    for (const c of clients) c.socket.close();
  }, 60_000);
});

describe('/monitor', () => {
  it('pushes stats at once on connect, then on changes, at most about 4 a second; and every status change', async () => {
    const monitor = await connect(`${service.url}/monitor`);
    const stats: Array<{ at: number; stats: Statistics }> = [];
    monitor.socket.on('stats', (s: Statistics) => stats.push({ at: performance.now(), stats: s }));
    await eventually(() => stats.length >= 1, 3000, 'stats on connect');
    const before = stats.length;
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(service.url, `monitored ${i}`)));
    for (const id of ids) await waitForFinal(service.url, id);
    await sleep(600);
    const pushes = stats.slice(before);
    expect(pushes.length).toBeGreaterThan(0);
    const seconds = (pushes.at(-1)?.at ?? 0) - (pushes[0]?.at ?? 0);
    expect(pushes.length).toBeLessThanOrEqual(Math.ceil(seconds / 250) + 2);
    expect(pushes.at(-1)?.stats.queueLength).toBe(0);
    for (const id of ids)
      expect(monitor.of(id).statuses.map((s: MessageStatusEvent) => s.status)).toContain('completed');
    monitor.socket.close();
  }, 30_000);
});

describe('SSE', () => {
  it('streams a message: the current state first, then status and delta events, and ends after completed', async () => {
    const id = await ask(service.url, 'Stream me over SSE');
    const { status, contentType, events, ended } = await readSse(`${service.url}/api/chat/${id}/events`);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    expect(ended).toBe(true);
    expect(events[0]?.event).toBe('status');
    expect(events.at(-1)).toMatchObject({ event: 'status', data: { messageId: id, status: 'completed' } });
    const final = (events.at(-1)!.data as { response: string }).response;
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data as { text: string; seq: number });
    if (deltas.length > 0 && (deltas[0]?.seq ?? 0) === 0) expect(deltas.map((d) => d.text).join('')).toBe(final);
  });

  it('answers 400 and 404 as plain JSON, not as a stream', async () => {
    expect(await getJson(service.url, '/api/chat/nope/events')).toMatchObject({
      status: 400,
      body: { error: expect.any(String) },
    });
    expect(await getJson(service.url, '/api/chat/00000000-0000-4000-8000-000000000000/events')).toMatchObject({
      status: 404,
      body: { error: expect.any(String) },
    });
  });

  it('streams the statistics like /monitor', async () => {
    const reading = readSse(`${service.url}/api/statistics/stream`, { until: (e) => e.length >= 2, timeoutMs: 8000 });
    await sleep(200);
    await ask(service.url, 'Change the statistics');
    const { events } = await reading;
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.event === 'stats')).toBe(true);
    expect(events[0]?.data).toMatchObject({ messagesProcessed: expect.any(Number), successRate: expect.any(Number) });
  });
});

describe('answers bigger than a NOTIFY payload', () => {
  it('arrive whole over the socket, SSE and REST, and the deltas add up to them', async () => {
    expect(Buffer.byteLength(BIG_ANSWER)).toBeGreaterThan(8000 * 3);
    const big = await startTestService({ databaseUrl: db.url, provider: new BigProvider() });
    try {
      const client = await connect(big.url);
      const asked = await client.socket.emitWithAck('ask', { question: 'Tell me everything [big] [slow]' });
      const sse = readSse(`${big.url}/api/chat/${asked.messageId}/events`, { timeoutMs: 15_000 });
      await eventually(() => client.of(asked.messageId).statuses.some((s) => s.status === 'completed'), 15_000);
      const { statuses, deltas } = client.of(asked.messageId);
      expect(statuses.at(-1)?.response).toBe(BIG_ANSWER);
      expect(deltas.map((d) => d.text).join('')).toBe(BIG_ANSWER);
      expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
      const streamed = await sse;
      expect((streamed.events.at(-1)!.data as { response: string }).response).toBe(BIG_ANSWER);
      expect(await waitForFinal(big.url, asked.messageId)).toEqual({ status: 'completed', response: BIG_ANSWER });
      client.socket.close();
    } finally {
      await big.close();
    }
  }, 30_000);
});

describe('the listener connection', () => {
  it('killed with pg_terminate_backend: updates resume and a completion missed meanwhile is re-sent', async () => {
    const slow = await startTestService({ databaseUrl: db.url, provider: new BigProvider() });
    try {
      const client = await connect(slow.url);
      const asked = await client.socket.emitWithAck('ask', { question: 'Survive the listener [slow]' });
      await eventually(() => client.of(asked.messageId).statuses.some((s) => s.status === 'processing'), 5000);
      const killed = await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'medchat listener' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(1);
      await eventually(
        () => client.of(asked.messageId).statuses.some((s) => s.status === 'completed'),
        15_000,
        'completed after reconnect',
      );
      expect(client.of(asked.messageId).statuses.at(-1)?.response).toContain('Survive the listener');
      // And new events flow again.
      const next = await client.socket.emitWithAck('ask', { question: 'After the reconnect' });
      await eventually(() => client.of(next.messageId).statuses.some((s) => s.status === 'completed'), 10_000);
      client.socket.close();
    } finally {
      await slow.close();
    }
  }, 30_000);
});

describe('several instances', () => {
  it('a client on A sees, exactly once and in order, every event of a message posted to and processed by B', async () => {
    const env = { DATABASE_URL: db.url, MOCK_LATENCY_MS: '300', WORKER_LEASE_SECONDS: '5' };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      const onA = await connect(a.url);
      const monitorA = await connect(`${a.url}/monitor`);
      const id = await ask(b.url, 'Posted to B');
      expect(await onA.socket.emitWithAck('subscribe', { messageId: id })).toMatchObject({
        message: { messageId: id },
      });
      await waitForFinal(b.url, id);
      await eventually(() => onA.of(id).statuses.some((s) => s.status === 'completed'), 10_000);
      await sleep(200);
      const seen = onA.of(id).statuses.map((s) => s.status);
      // Subscribed after "pending" was sent; what follows arrives once each, in order.
      expect(seen.filter((s) => s === 'completed')).toHaveLength(1);
      expect(seen.filter((s) => s === 'processing').length).toBeLessThanOrEqual(1);
      expect(seen.indexOf('completed')).toBe(seen.length - 1);
      expect(
        onA
          .of(id)
          .deltas.map((d) => d.text)
          .join(''),
      ).toBe(onA.of(id).statuses.at(-1)?.response);
      expect(monitorA.of(id).statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
      const answeredByB = b.output().includes(`"messageId":"${id}","attempt":1`);
      expect(answeredByB).toBe(true);
      onA.socket.close();
      monitorA.socket.close();
    } finally {
      await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
    }
  }, 60_000);
});
