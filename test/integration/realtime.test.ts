/**
 * Live updates (issue 3) with real PostgreSQL, real socket.io-client and real HTTP: order and
 * deltas, ask/subscribe/unsubscribe, retries, other instances' work, SSE, reconnects of clients
 * and of the listener, answers bigger than a NOTIFY payload, 500 clients, statistics pushes.
 *
 * Races are made deterministic rather than hoped for: a provider the tests hold at a gate, and
 * an exclusive lock on `messages` that parks a server's read while a notification arrives.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../server/db/migrate.js';
import { createLogger } from '../../server/logger.js';
import type { RelayTarget } from '../../server/messages/relay-target.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';
import {
  type CompletionRequest,
  type CompletionResult,
  type LlmProvider,
  ProviderError,
} from '../../server/providers/types.js';
import { PartialAnswers } from '../../server/realtime/partial-answers.js';
import { Relay } from '../../server/realtime/relay.js';
import { SseHub, sseRoutes } from '../../server/realtime/sse.js';
import { StatsBroadcaster } from '../../server/realtime/stats-broadcaster.js';
import type { Service } from '../../server/service.js';
import type { Statistics } from '../../shared/rest.js';
import type {
  MessageCurrentState,
  MessageDeltaEvent,
  MessageStatusEvent,
  PartialAnswer,
  SubscribeAck,
} from '../../shared/socket-events.js';
import { messageRoom } from '../../shared/socket-names.js';
import type { MessageStatus } from '../../shared/status.js';
import { createTestDatabase, lockMessages, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { answeredIds, startServerProcess } from '../helpers/process.js';
import { startTestService } from '../helpers/service.js';
import { connect, type Recorder } from '../helpers/socket.js';
import { readSse, type SseEvent } from '../helpers/sse.js';

const silent = createLogger('silent');

/** ~30 KB with multi-byte characters: far more than a NOTIFY payload (8000 bytes). */
const BIG_ANSWER = Array.from({ length: 600 }, (_, i) => `Line ${i}: fièvre, 發燒, 🤒 — drink fluids.`).join('\n');
const FAILED_ATTEMPT_TEXT = 'Partial text of a failed attempt. ';
/** How many pieces of ten characters a `[halfway:k]` answer streams before its gate. */
const HALFWAY_PIECES = 12;

/** The scripted answer to a question without `[big]`; a `[halfway:k]` one is longer, to stop halfway. */
function answerTo(question: string): string {
  const sentence = `Answer to: ${question}. Rest, drink fluids, and see a doctor if it gets worse.`;
  return question.includes('[halfway:') ? `${sentence} ${sentence}` : sentence;
}
/** What a `[halfway:k]` answer has streamed when it waits at its gate. */
const firstHalfOf = (question: string) => answerTo(question).slice(0, HALFWAY_PIECES * 10);

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function untilReleased(gate: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    void gate.then(resolve);
  });
}

/**
 * A provider the tests steer, by tags in the question:
 * - `[hold:k]`: waits for `release(k)` before it streams the answer;
 * - `[fail-first:k]`: the first attempt streams FAILED_ATTEMPT_TEXT, waits for `release(k)`, then
 *   fails with a retryable error;
 * - `[big]`: answers BIG_ANSWER instead of "Answer to: <question> …";
 * - `[halfway:k]`: streams the first half of the answer (HALFWAY_PIECES pieces), waits for
 *   `release(k)`, then streams the rest.
 */
class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly model = 'scripted-1';
  private readonly gates = new Map<string, Deferred>();
  private readonly failed = new Set<string>();

  release(key: string): void {
    this.gate(key).resolve();
  }

  private gate(key: string): Deferred {
    let gate = this.gates.get(key);
    if (!gate) {
      gate = deferred();
      this.gates.set(key, gate);
    }
    return gate;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const question = request.messages.at(-1)?.content ?? '';
    const failFirst = /\[fail-first:(\w+)\]/.exec(question)?.[1];
    if (failFirst && !this.failed.has(question)) {
      this.failed.add(question);
      request.onText(FAILED_ATTEMPT_TEXT);
      await untilReleased(this.gate(failFirst).promise, request.signal);
      throw new ProviderError('The model is overloaded.', { retryable: true, status: 503 });
    }
    const hold = /\[hold:(\w+)\]/.exec(question)?.[1];
    if (hold) await untilReleased(this.gate(hold).promise, request.signal);
    const big = question.includes('[big]');
    const text = big ? BIG_ANSWER : answerTo(question);
    const pieces = text.match(big ? /[\s\S]{1,500}/gu : /[\s\S]{1,10}/gu) ?? [text];
    const halfway = /\[halfway:(\w+)\]/.exec(question)?.[1];
    for (const [index, piece] of pieces.entries()) {
      if (halfway && index === HALFWAY_PIECES) await untilReleased(this.gate(halfway).promise, request.signal);
      await sleep(big ? 2 : 8, undefined, { signal: request.signal });
      request.onText(piece);
    }
    return { text, usage: { promptTokens: 1, completionTokens: 1 }, provider: this.name, model: this.model };
  }
}

const provider = new ScriptedProvider();
let db: TestDatabase;
/** With the built-in mock provider. */
let service: Service;
/** With the ScriptedProvider. */
let scripted: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  // Long leases: with 500 sockets in this process, a renewal may come late, and the other
  // instance must not take over (and answer) a message a test holds at a gate.
  const env = { WORKER_LEASE_SECONDS: '30' };
  service = await startTestService({ databaseUrl: db.url, env: { ...env, MOCK_LATENCY_MS: '200' } });
  scripted = await startTestService({ databaseUrl: db.url, env, provider });
});
afterAll(async () => {
  await Promise.all([service?.close(), scripted?.close()]);
  await db?.drop();
});

const statusesOf = (recorder: Recorder, id: string) => recorder.of(id).statuses.map((s) => s.status);
const hasStatus = (recorder: Recorder, id: string, status: MessageStatus) => statusesOf(recorder, id).includes(status);
const restStatus = async (base: string, id: string) => (await getJson(base, `/api/chat/${id}`)).body.status;
const textOf = (deltas: MessageDeltaEvent[]) => deltas.map((d) => d.text).join('');
const seqsOf = (deltas: MessageDeltaEvent[]) => deltas.map((d) => d.seq);
const gapless = (deltas: MessageDeltaEvent[]) => deltas.map((_, i) => i);

let sentinels = 0;
/**
 * Resolves once each client has heard every event relayed to it before now, so a test can say
 * "no duplicate came" without sleeping: a delta NOTIFY sent now for a sentinel message reaches
 * them through the same listener, relay and sockets, each of which keeps its order.
 */
async function heardAllSoFar(...clients: Recorder[]): Promise<void> {
  const text = `sentinel ${++sentinels}`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO messages (question, status, claimed_by, lease_expires_at)
     VALUES ($1, 'processing', 'test-sentinel', 'infinity') RETURNING id`,
    [text],
  );
  const id = rows[0]?.id ?? '';
  try {
    const acks = await Promise.all(clients.map((c) => c.socket.emitWithAck('subscribe', { messageId: id })));
    expect(acks.every((ack) => ack.message?.messageId === id)).toBe(true);
    await db.query(`SELECT pg_notify('message_delta', $1)`, [
      JSON.stringify({ messageId: id, seq: 0, text, attempt: 1 }),
    ]);
    const heard = (c: Recorder) => c.deltas.some((d) => d.messageId === id && d.text === text);
    await eventually(() => clients.every(heard), 10_000, 'the sentinel');
  } finally {
    await db.query('DELETE FROM messages WHERE id = $1', [id]);
  }
}

/** Resolves once a server's read of a message (SSE's `SELECT id, question, …`, a subscribe's `SELECT id, status, …`) waits for the lock. */
async function readParked(): Promise<void> {
  await eventually(
    async () =>
      (
        await db.query(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND (query LIKE 'SELECT id, question%' OR query LIKE 'SELECT id, status%')`,
        )
      ).rowCount === 1,
    5000,
    'a read parked at the lock',
  );
}

/** What the relay hears when a status change commits (with the send time the SQL adds). */
async function notifyStatus(payload: Record<string, unknown>): Promise<void> {
  await db.query(`SELECT pg_notify('message_status', $1)`, [JSON.stringify({ ...payload, sentAt: Date.now() })]);
}

describe('Socket.IO', () => {
  it('ask works end to end: the asking socket sees pending → processing → completed, and gapless deltas that add up to the answer', async () => {
    const client = await connect(service.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'What helps against a headache?' });
    expect(asked).toMatchObject({ messageId: expect.any(String), conversationId: expect.any(String) });
    await eventually(() => hasStatus(client, asked.messageId, 'completed'), 10_000);
    await heardAllSoFar(client); // a duplicate would have arrived before this
    const { statuses, deltas } = client.of(asked.messageId);
    // "pending" is sent when the row is written: seeing it proves the socket was subscribed before.
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
    expect(deltas.length).toBeGreaterThan(1); // streamed, not all at once
    expect(seqsOf(deltas)).toEqual(gapless(deltas));
    expect(textOf(deltas)).toBe(statuses.at(-1)?.response);
    expect(await waitForFinal(service.url, asked.messageId)).toEqual({
      status: 'completed',
      response: statuses.at(-1)?.response,
    });
    client.socket.close();
  });

  it('subscribe answers with the current state; unsubscribe stops the events; bad payloads get error acks or are dropped', async () => {
    const client = await connect(scripted.url);
    const bystander = await connect(scripted.url);
    const id = await ask(scripted.url, 'Subscribe to me [hold:subscribe]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    // The row says processing before the relay has heard its NOTIFYs: wait until it has, so that
    // pending and processing are not relayed to the bystander after it subscribes.
    await heardAllSoFar(client);
    expect(await client.socket.emitWithAck('subscribe', { messageId: id })).toEqual({
      message: { messageId: id, status: 'processing', conversationId: expect.any(String) },
    });
    expect(await bystander.socket.emitWithAck('subscribe', { messageId: id })).toMatchObject({
      message: { messageId: id, status: 'processing' },
    });
    expect(await client.socket.emitWithAck('unsubscribe', { messageId: id })).toEqual({ ok: true });

    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await client.socket.emitWithAck('subscribe', { messageId: unknown })).toEqual({
      error: 'No message with that id.',
    });
    expect(await client.socket.emitWithAck('subscribe', { messageId: 'nope' })).toEqual({
      error: 'messageId must be a UUID',
    });
    expect(await client.socket.emitWithAck('subscribe', null)).toEqual({ error: expect.stringMatching(/object/) });
    expect(await client.socket.emitWithAck('unsubscribe', 42)).toEqual({ error: expect.stringMatching(/object/) });
    expect(await client.socket.emitWithAck('ask', { question: '' })).toEqual({ error: 'question must not be empty' });
    expect(await client.socket.emitWithAck('ask', 'not an object')).toEqual({ error: expect.stringMatching(/object/) });
    // Without an ack, bad payloads are dropped; the round trip after them shows the socket served.
    client.socket.emit('ask', 42);
    client.socket.emit('ask', { question: '' });
    client.socket.emit('subscribe');
    client.socket.emit('subscribe', { messageId: 'nope' });
    client.socket.emit('unsubscribe', null);
    expect(await client.socket.emitWithAck('subscribe', { messageId: unknown })).toEqual({
      error: 'No message with that id.',
    });
    expect(client.socket.connected).toBe(true);

    provider.release('subscribe');
    await eventually(() => hasStatus(bystander, id, 'completed'), 5000);
    await heardAllSoFar(bystander, client);
    expect(statusesOf(bystander, id)).toEqual(['completed']);
    expect(bystander.socket.connected).toBe(true);
    expect(client.of(id).statuses).toEqual([]); // unsubscribed before anything happened
    expect(client.of(id).deltas).toEqual([]);
    client.socket.close();
    bystander.socket.close();
  });

  it('a client that disconnects mid-answer and comes back before the end gets the current state, then the rest', async () => {
    const client = await connect(scripted.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'Back before the end [hold:back]' });
    await eventually(() => hasStatus(client, asked.messageId, 'processing'), 5000);
    client.socket.disconnect();
    client.socket.connect();
    await new Promise((resolve) => client.socket.once('connect', () => resolve(undefined)));
    expect(await client.socket.emitWithAck('subscribe', { messageId: asked.messageId })).toMatchObject({
      message: { messageId: asked.messageId, status: 'processing' },
    });
    provider.release('back');
    const final = await waitForFinal(scripted.url, asked.messageId);
    await eventually(() => hasStatus(client, asked.messageId, 'completed'), 5000);
    await heardAllSoFar(client);
    const { statuses, deltas } = client.of(asked.messageId);
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
    expect(statuses.at(-1)?.response).toBe(final.response);
    expect(seqsOf(deltas)).toEqual(gapless(deltas));
    expect(textOf(deltas)).toBe(final.response);
    client.socket.close();
  });

  it('a client that disconnects mid-answer and comes back after the end gets the final state in the subscribe answer', async () => {
    const client = await connect(scripted.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'Back after the end [hold:away]' });
    await eventually(() => hasStatus(client, asked.messageId, 'processing'), 5000);
    client.socket.disconnect();
    provider.release('away');
    const final = await waitForFinal(scripted.url, asked.messageId);
    client.socket.connect();
    await new Promise((resolve) => client.socket.once('connect', () => resolve(undefined)));
    expect(await client.socket.emitWithAck('subscribe', { messageId: asked.messageId })).toEqual({
      message: {
        messageId: asked.messageId,
        status: 'completed',
        response: final.response,
        conversationId: asked.conversationId,
      },
    });
    expect(statusesOf(client, asked.messageId)).toEqual(['pending', 'processing']);
    client.socket.close();
  });

  it('subscriptions end with the final state: finished messages do not pile up on a socket', async () => {
    const client = await connect(scripted.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'A short one' });
    const id = asked.messageId;
    await eventually(() => hasStatus(client, id, 'completed'), 5000);
    const rooms = scripted.sockets.io.of('/').adapter.rooms;
    expect(rooms.has(messageRoom(id))).toBe(false);
    expect([...scripted.sockets.watchedMessageIds()]).not.toContain(id);
    // Subscribing to a finished message answers its state and keeps nothing either.
    expect(await client.socket.emitWithAck('subscribe', { messageId: id })).toMatchObject({
      message: { status: 'completed' },
    });
    expect(rooms.has(messageRoom(id))).toBe(false);
    client.socket.close();
  });

  it('a final state heard while subscribe reads the table wins over the (older) state read', async () => {
    const client = await connect(scripted.url);
    const id = await ask(scripted.url, 'Race the subscribe [hold:race]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    const lock = await lockMessages(db.url);
    let acked: Promise<unknown>;
    try {
      acked = client.socket.emitWithAck('subscribe', { messageId: id });
      await readParked();
      // The read's snapshot predates this commit; the notification overtakes the read's result.
      await notifyStatus({ id, status: 'completed', response: 'Finished meanwhile.' });
      await eventually(() => hasStatus(client, id, 'completed'), 5000, 'the event before the answer');
    } finally {
      await lock.release();
    }
    expect(await acked).toEqual({ message: { messageId: id, status: 'completed', response: 'Finished meanwhile.' } });
    provider.release('race');
    await waitForFinal(scripted.url, id);
    client.socket.close();
  });

  it('500 clients subscribed at once all get their updates, each exactly once', async () => {
    const id = await ask(scripted.url, 'Fan out to everyone [hold:fan]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    const started = performance.now();
    const clients = await Promise.all(Array.from({ length: 500 }, () => connect(scripted.url)));
    const acks = await Promise.all(clients.map((c) => c.socket.emitWithAck('subscribe', { messageId: id })));
    expect(acks.filter((a) => a.message?.status !== 'processing')).toEqual([]);
    const subscribed = performance.now();
    provider.release('fan');
    const final = await waitForFinal(scripted.url, id);
    await eventually(() => clients.every((c) => hasStatus(c, id, 'completed')), 15_000, 'all 500');
    await heardAllSoFar(...clients); // a duplicate would have arrived before this
    const wrong = clients.filter((c) => {
      const { statuses, deltas } = c.of(id);
      return (
        statuses.length !== 1 ||
        statuses[0]?.response !== final.response ||
        seqsOf(deltas).join() !== gapless(deltas).join() ||
        textOf(deltas) !== final.response
      );
    });
    expect(wrong).toHaveLength(0);
    console.log(
      `500 clients: connected and subscribed in ${Math.round(subscribed - started)} ms, all had the answer ${Math.round(performance.now() - subscribed)} ms later`,
    );
    for (const c of clients) c.socket.close();
  }, 60_000);

  it('a retried answer restarts its deltas at seq 0 with restart: true, after all of the failed attempt', async () => {
    const client = await connect(scripted.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'Retry me [fail-first:flaky]' });
    const id = asked.messageId;
    await eventually(() => client.of(id).deltas.length > 0, 5000, 'the failed attempt streams');
    provider.release('flaky');
    const final = await waitForFinal(scripted.url, id);
    await eventually(() => hasStatus(client, id, 'completed'), 5000);
    const { statuses, deltas } = client.of(id);
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
    const first = deltas.filter((d) => (d.attempt ?? 1) === 1);
    const second = deltas.filter((d) => d.attempt === 2);
    expect(deltas).toHaveLength(first.length + second.length);
    expect(textOf(first)).toBe(FAILED_ATTEMPT_TEXT);
    expect(seqsOf(first)).toEqual(gapless(first));
    expect(second[0]).toMatchObject({ seq: 0, restart: true });
    expect(deltas.filter((d) => d.restart)).toHaveLength(1);
    expect(seqsOf(second)).toEqual(gapless(second));
    expect(textOf(second)).toBe(final.response);
    expect(deltas.slice(first.length)).toEqual(second); // the new attempt after all of the old
    client.socket.close();
  });

  it('a client that subscribes mid-answer gets the text so far in the ack; with the deltas after it, exactly the answer', async () => {
    const asker = await connect(scripted.url);
    const asked = await asker.socket.emitWithAck('ask', { question: 'Join me midway [halfway:join]' });
    const id = asked.messageId;
    await eventually(() => asker.of(id).deltas.length > 0, 5000, 'the answer streams');
    // Subscribes while the first half is still streaming: deltas may cross the ack.
    const late = await connect(scripted.url);
    // Counted in the ack's own callback: packets that came after it in the same read of the
    // connection are handled before an awaited promise resumes, and would be miscounted as before.
    let heardBeforeAck = 0;
    const ack = await new Promise<SubscribeAck>((resolve) => {
      late.socket.emit('subscribe', { messageId: id }, (answer: SubscribeAck) => {
        heardBeforeAck = late.of(id).deltas.length;
        resolve(answer);
      });
    });
    expect(ack).toEqual({
      message: {
        messageId: id,
        status: 'processing',
        conversationId: asked.conversationId,
        partial: { attempt: 1, seq: expect.any(Number), text: expect.any(String) },
      },
    });
    const partial = ('message' in ack ? ack.message.partial : undefined) as PartialAnswer;
    expect(partial.seq).toBeGreaterThan(0);
    provider.release('join');
    const final = await waitForFinal(scripted.url, id);
    await eventually(() => hasStatus(late, id, 'completed'), 5000);
    const deltas = late.of(id).deltas;
    // Sent before the ack: already in the text so far. After it: from its seq on, no gap, no duplicate.
    expect(deltas.slice(0, heardBeforeAck).filter((d) => d.seq >= partial.seq)).toEqual([]);
    const afterAck = deltas.slice(heardBeforeAck);
    expect(afterAck.length).toBeGreaterThan(0);
    expect(seqsOf(afterAck)).toEqual(afterAck.map((_, i) => partial.seq + i));
    expect(partial.text + textOf(afterAck)).toBe(final.response);
    expect(statusesOf(late, id)).toEqual(['completed']);
    asker.socket.close();
    late.socket.close();
  });

  it('a client joining mid-answer on another instance gets the whole text: asked for, sent from seq 0, each delta once', async () => {
    const question = 'Wait halfway [halfway:instances]';
    const asker = await connect(scripted.url);
    const asked = await asker.socket.emitWithAck('ask', { question });
    const id = asked.messageId;
    await eventually(() => textOf(asker.of(id).deltas) === firstHalfOf(question), 5000, 'the first half');
    const halfwaySeq = asker.of(id).deltas.length;
    // Nobody watched it on the other instance: its text never went on the bus. Asked for, the
    // instance answering publishes it from the start, and the ack waits for it.
    const onOther = await connect(service.url);
    const textSoFar = { attempt: 1, seq: halfwaySeq, text: firstHalfOf(question) };
    expect(await onOther.socket.emitWithAck('subscribe', { messageId: id })).toEqual({
      message: { messageId: id, status: 'processing', conversationId: asked.conversationId, partial: textSoFar },
    });
    // The catch-up also reached the room (seq 0 on): the client keeps each piece once by its seq.
    await eventually(() => onOther.of(id).deltas.length === halfwaySeq, 5000, 'the text so far, as deltas');
    // Now it holds the text so far, whole: a client joining there gets it in the ack at once.
    const second = await connect(service.url);
    expect((await second.socket.emitWithAck('subscribe', { messageId: id })).message.partial).toEqual(textSoFar);
    // An instance started now hears the rest on the bus, but not the start: it asks, and gets all.
    const newcomer = await startTestService({ databaseUrl: db.url, env: { WORKER_LEASE_SECONDS: '30' } });
    try {
      const onNewcomer = await connect(newcomer.url);
      expect((await onNewcomer.socket.emitWithAck('subscribe', { messageId: id })).message.partial).toEqual(textSoFar);
      await eventually(() => onNewcomer.of(id).deltas.length === halfwaySeq, 5000, 'the text so far on the newcomer');
      provider.release('instances');
      const final = await waitForFinal(scripted.url, id);
      await eventually(() => [onOther, second, onNewcomer].every((c) => hasStatus(c, id, 'completed')), 5000);
      // Every delta once, in order: from seq 0 where the client had nothing, from the ack's seq after a text so far.
      for (const client of [onOther, onNewcomer]) {
        const deltas = client.of(id).deltas;
        expect(seqsOf(deltas)).toEqual(deltas.map((_, i) => i));
        expect(textOf(deltas)).toBe(final.response);
      }
      const afterAck = second.of(id).deltas;
      expect(seqsOf(afterAck)).toEqual(afterAck.map((_, i) => halfwaySeq + i));
      expect(firstHalfOf(question) + textOf(afterAck)).toBe(final.response);
      onNewcomer.socket.close();
    } finally {
      await newcomer.close();
    }
    asker.socket.close();
    onOther.socket.close();
    second.socket.close();
  });
});

describe('/monitor', () => {
  it('pushes stats at once on connect, then only on changes, at most 4 a second; and every status change', async () => {
    const monitor = await connect(`${service.url}/monitor`);
    const stats: Array<{ at: number; stats: Statistics }> = [];
    monitor.socket.on('stats', (s: Statistics) => stats.push({ at: performance.now(), stats: s }));
    await eventually(() => stats.length >= 1, 3000, 'stats on connect');
    const before = stats.length;
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(service.url, `monitored ${i}`)));
    for (const id of ids) await waitForFinal(service.url, id);
    const settled = (push: Statistics | undefined) => push?.queueLength === 0 && push.activeWorkers === 0;
    await eventually(() => settled(stats.at(-1)?.stats), 5000, 'a push after the last answer');
    const pushes = stats.slice(before);
    expect(pushes.length).toBeGreaterThan(1);
    // Sent at least 250 ms apart (timed exactly in "the statistics pusher" below); here the
    // arrival times carry this process's own jitter, so: no bursts, and no more than the span allows.
    const gaps = pushes.slice(1).map((p, i) => p.at - (pushes[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    const span = (pushes.at(-1)?.at ?? 0) - (pushes[0]?.at ?? 0);
    expect(pushes.length).toBeLessThanOrEqual(Math.ceil(span / 250) + 2);
    expect(pushes.at(-1)?.stats).toMatchObject({ queueLength: 0, activeWorkers: 0 });
    for (const id of ids) expect(statusesOf(monitor, id)).toEqual(['pending', 'processing', 'completed']);
    // Nothing changes now: nothing is pushed (no timer polling the database).
    const quiet = stats.length;
    await sleep(1200);
    expect(stats.length).toBe(quiet);
    monitor.socket.close();
  }, 30_000);

  it('a retry alone (no status change) pushes the statistics', async () => {
    const monitor = await connect(`${scripted.url}/monitor`);
    const stats: Statistics[] = [];
    monitor.socket.on('stats', (s: Statistics) => stats.push(s));
    const id = await ask(scripted.url, 'Count my retry [fail-first:counted] [hold:counted2]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    const retriesBefore = (await getJson(scripted.url, '/api/statistics')).body.totalRetries as number;
    provider.release('counted'); // the first attempt fails; the retry waits at its own gate
    await eventually(() => stats.at(-1)?.totalRetries === retriesBefore + 1, 3000, 'a push counting the retry');
    expect(await restStatus(scripted.url, id)).toBe('processing');
    provider.release('counted2');
    await waitForFinal(scripted.url, id);
    monitor.socket.close();
  });
  it('is not woken by timers: sweeps announce nothing, instances joining and leaving do', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.channel));
    try {
      await listener.query('LISTEN instances_changed');
      await listener.query('LISTEN statistics_changed');
      await sleep(1500); // three sweeps of each instance (every 0.5 s), each forgetting no instance
      expect(heard).toEqual([]);
      const extra = await startTestService({ databaseUrl: db.url });
      await extra.close();
      await eventually(() => heard.length === 2, 3000, 'joined and left');
      expect(heard).toEqual(['instances_changed', 'instances_changed']);
    } finally {
      await listener.end();
    }
  });
});

describe('SSE', () => {
  it('streams a message: the current state first, then status and delta events, and ends after completed', async () => {
    const id = await ask(scripted.url, 'Stream me over SSE [hold:sse]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    const events: SseEvent[] = [];
    const reading = readSse(`${scripted.url}/api/chat/${id}/events`, { events, timeoutMs: 10_000 });
    await eventually(() => events.length >= 1, 5000, 'the current state');
    expect(events[0]).toEqual({
      event: 'status',
      data: { messageId: id, status: 'processing', conversationId: expect.any(String) },
    });
    provider.release('sse');
    const { status, contentType, ended } = await reading;
    const final = await waitForFinal(scripted.url, id);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    expect(ended).toBe(true);
    expect(events.filter((e) => e.event === 'status').map((e) => (e.data as MessageStatusEvent).status)).toEqual([
      'processing',
      'completed',
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'status', data: { status: 'completed', response: final.response } });
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data as MessageDeltaEvent);
    expect(deltas.length).toBeGreaterThan(1);
    expect(seqsOf(deltas)).toEqual(gapless(deltas));
    expect(textOf(deltas)).toBe(final.response);
  });

  it('what is heard while the stream reads the current state follows it, and a final state ends it', async () => {
    const id = await ask(scripted.url, 'Race the stream [hold:sserace]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    const monitor = await connect(`${scripted.url}/monitor`);
    const events: SseEvent[] = [];
    const lock = await lockMessages(db.url);
    let reading: ReturnType<typeof readSse>;
    try {
      reading = readSse(`${scripted.url}/api/chat/${id}/events`, { events, timeoutMs: 5000 });
      await readParked();
      await db.query(`SELECT pg_notify('message_delta', $1)`, [
        JSON.stringify({ messageId: id, seq: 0, text: 'Finished ', attempt: 1 }),
      ]);
      await notifyStatus({ id, status: 'completed', response: 'Finished meanwhile.' });
      await eventually(() => hasStatus(monitor, id, 'completed'), 5000, 'the relay heard it');
    } finally {
      await lock.release();
    }
    const { ended } = await reading;
    expect(ended).toBe(true);
    expect(events).toEqual([
      { event: 'status', data: { messageId: id, status: 'processing', conversationId: expect.any(String) } },
      { event: 'delta', data: { messageId: id, seq: 0, text: 'Finished ', attempt: 1 } },
      { event: 'status', data: { messageId: id, status: 'completed', response: 'Finished meanwhile.' } },
    ]);
    provider.release('sserace');
    await waitForFinal(scripted.url, id);
    monitor.socket.close();
  });

  it('a stream opened mid-answer starts with the text so far; the deltas after it complete it exactly', async () => {
    const asker = await connect(scripted.url);
    const asked = await asker.socket.emitWithAck('ask', { question: 'Stream me midway [halfway:ssejoin]' });
    const id = asked.messageId;
    await eventually(() => asker.of(id).deltas.length > 0, 5000, 'the answer streams');
    const events: SseEvent[] = [];
    const reading = readSse(`${scripted.url}/api/chat/${id}/events`, { events, timeoutMs: 10_000 });
    await eventually(() => events.length >= 1, 5000, 'the current state');
    expect(events[0]).toEqual({
      event: 'status',
      data: {
        messageId: id,
        status: 'processing',
        conversationId: asked.conversationId,
        partial: { attempt: 1, seq: expect.any(Number), text: expect.any(String) },
      },
    });
    const partial = (events[0]?.data as MessageCurrentState | undefined)?.partial as PartialAnswer;
    provider.release('ssejoin');
    const { ended } = await reading;
    const final = await waitForFinal(scripted.url, id);
    expect(ended).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'status', data: { status: 'completed', response: final.response } });
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data as MessageDeltaEvent);
    expect(deltas.length).toBeGreaterThan(0);
    expect(seqsOf(deltas)).toEqual(deltas.map((_, i) => partial.seq + i));
    expect(partial.text + textOf(deltas)).toBe(final.response);
    asker.socket.close();
  });

  it('deltas heard while the stream reads the current state are not sent again when the text so far holds them', async () => {
    const id = await ask(scripted.url, 'Hold for the filter [hold:ssefilter]');
    await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
    // A hub, a store and a relay of its own, fed by hand (the real relay serves the service).
    const hub = new SseHub();
    const partialAnswers = new PartialAnswers();
    const relay = new Relay(scripted.pool, silent);
    relay.addTarget(partialAnswers.relayTarget);
    relay.addTarget(hub);
    const stats = new StatsBroadcaster({ pool: scripted.pool, logger: silent, instanceStaleAfterMs: 10_000 });
    const app = express();
    app.use(sseRoutes({ pool: scripted.pool, hub, stats, partialAnswers }));
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const events: SseEvent[] = [];
    try {
      const lock = await lockMessages(db.url);
      let reading: ReturnType<typeof readSse>;
      try {
        reading = readSse(`${base}/api/chat/${id}/events`, { events, timeoutMs: 5000 });
        await readParked();
        relay.handlers.delta({ messageId: id, seq: 0, text: 'Held ', attempt: 1 });
        relay.handlers.delta({ messageId: id, seq: 1, text: 'text', attempt: 1 });
      } finally {
        await lock.release();
      }
      await eventually(() => events.length >= 1, 5000, 'the current state');
      relay.handlers.delta({ messageId: id, seq: 2, text: ' after', attempt: 1 });
      relay.handlers.status({ id, status: 'completed', response: 'Held text after', sentAt: Date.now() });
      const { ended } = await reading;
      expect(ended).toBe(true);
      expect(events).toEqual([
        {
          event: 'status',
          data: {
            messageId: id,
            status: 'processing',
            conversationId: expect.any(String),
            partial: { attempt: 1, seq: 2, text: 'Held text' },
          },
        },
        { event: 'delta', data: { messageId: id, seq: 2, text: ' after', attempt: 1 } },
        { event: 'status', data: { messageId: id, status: 'completed', response: 'Held text after' } },
      ]);
    } finally {
      hub.close();
      stats.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    provider.release('ssefilter');
    await waitForFinal(scripted.url, id);
  });

  it('answers 400 and 404 as plain JSON, not as a stream', async () => {
    const bad = await getJson(scripted.url, '/api/chat/nope/events');
    expect(bad).toMatchObject({ status: 400, body: { error: expect.any(String) } });
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    const unknown = await getJson(scripted.url, '/api/chat/00000000-0000-4000-8000-000000000000/events');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'No message with that id.' } });
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('streams the statistics like /monitor', async () => {
    const heard: SseEvent[] = [];
    const reading = readSse(`${service.url}/api/statistics/stream`, {
      until: (e) => e.length >= 2,
      timeoutMs: 8000,
      events: heard,
    });
    await eventually(() => heard.length >= 1, 5000, 'the stream open, with the current statistics');
    await ask(service.url, 'Change the statistics');
    const { status, contentType, events } = await reading;
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.event === 'stats')).toBe(true);
    expect(events[0]?.data).toMatchObject({ messagesProcessed: expect.any(Number), successRate: expect.any(Number) });
  });

  it('forgets streams whose client left before they opened (no leak)', async () => {
    const hub = new SseHub();
    const statsRead = deferred();
    const stats = new StatsBroadcaster({
      pool: scripted.pool,
      logger: silent,
      instanceStaleAfterMs: 10_000,
      read: async () => {
        await statsRead.promise;
        return (await getJson(scripted.url, '/api/statistics')).body as unknown as Statistics;
      },
    });
    const app = express();
    app.use(sseRoutes({ pool: scripted.pool, hub, stats, partialAnswers: new PartialAnswers() }));
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const leave = async (path: string, whileWaiting: () => Promise<void>) => {
      const request = http.get(`${base}${path}`);
      request.on('error', () => undefined);
      await whileWaiting();
      request.destroy();
      await sleep(100); // the server sees the client go
    };
    try {
      // The statistics stream: the client leaves during the first read.
      await leave('/api/statistics/stream', () => sleep(100));
      statsRead.resolve();
      await sleep(200);
      expect(hub.statsAudience.size()).toBe(0);
      // A message stream: the client leaves while its current state is read.
      const id = await ask(scripted.url, 'Leave early [hold:leave]');
      await eventually(async () => (await restStatus(scripted.url, id)) === 'processing', 5000);
      const lock = await lockMessages(db.url);
      try {
        await leave(`/api/chat/${id}/events`, readParked);
      } finally {
        await lock.release();
      }
      await sleep(200);
      expect([...hub.watchedMessageIds()]).toEqual([]);
      provider.release('leave');
      await waitForFinal(scripted.url, id);
    } finally {
      hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('answers bigger than a NOTIFY payload', () => {
  it('arrive whole over the socket, /monitor, SSE and REST, and the deltas add up to them', async () => {
    expect(Buffer.byteLength(BIG_ANSWER)).toBeGreaterThan(8000 * 3);
    const client = await connect(scripted.url);
    const monitor = await connect(`${scripted.url}/monitor`);
    const asked = await client.socket.emitWithAck('ask', { question: 'Tell me everything [big] [hold:big]' });
    await eventually(() => hasStatus(client, asked.messageId, 'processing'), 5000);
    const events: SseEvent[] = [];
    const sse = readSse(`${scripted.url}/api/chat/${asked.messageId}/events`, { events, timeoutMs: 15_000 });
    await eventually(() => events.length >= 1, 5000, 'the SSE stream started');
    provider.release('big');
    await eventually(() => hasStatus(client, asked.messageId, 'completed'), 15_000);
    const { statuses, deltas } = client.of(asked.messageId);
    expect(statuses.at(-1)?.response).toBe(BIG_ANSWER);
    expect(textOf(deltas)).toBe(BIG_ANSWER);
    expect(seqsOf(deltas)).toEqual(gapless(deltas));
    const streamed = await sse;
    expect(streamed.ended).toBe(true);
    expect(streamed.events.at(-1)).toMatchObject({
      event: 'status',
      data: { status: 'completed', response: BIG_ANSWER },
    });
    const sseDeltas = streamed.events.filter((e) => e.event === 'delta').map((e) => e.data as MessageDeltaEvent);
    expect(textOf(sseDeltas)).toBe(BIG_ANSWER);
    await eventually(() => hasStatus(monitor, asked.messageId, 'completed'), 5000);
    expect(monitor.of(asked.messageId).statuses.at(-1)?.response).toBe(BIG_ANSWER);
    expect(await waitForFinal(scripted.url, asked.messageId)).toEqual({ status: 'completed', response: BIG_ANSWER });
    client.socket.close();
    monitor.socket.close();
  }, 30_000);
});

describe('the relay', () => {
  let relayDb: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    relayDb = await createTestDatabase();
    pool = new pg.Pool({ connectionString: relayDb.url, max: 4 });
    await migrate(pool, MIGRATIONS_DIR);
  });
  afterAll(async () => {
    await pool?.end();
    await relayDb?.drop();
  });

  const recorder = (watched: string[]) => {
    const statuses: MessageStatusEvent[] = [];
    const deltas: MessageDeltaEvent[] = [];
    const target: RelayTarget = {
      status: (e) => statuses.push(e),
      delta: (e) => deltas.push(e),
      watchedMessageIds: () => watched,
    };
    return { target, statuses, deltas };
  };
  const insert = async (status: string, response: string | null) =>
    (
      await pool.query<{ id: string }>(
        'INSERT INTO messages (question, status, response) VALUES ($1, $2, $3) RETURNING id',
        ['q', status, response],
      )
    ).rows[0]?.id as string;

  it('a state re-sent after a reconnect never overtakes what is heard while it is read', async () => {
    const id = await insert('processing', null);
    const relay = new Relay(pool, silent);
    const seen = recorder([id]);
    relay.addTarget(seen.target);
    const resent = relay.resendWatched();
    relay.handlers.status({ id, status: 'completed', response: 'Done.', sentAt: Date.now() }); // heard during the read
    await resent;
    expect(seen.statuses.map((s) => s.status)).toEqual(['processing', 'completed']);
  });

  it('nothing goes back from a final state: late and re-sent states after it are dropped', async () => {
    const id = await insert('completed', 'Done.');
    const relay = new Relay(pool, silent);
    const seen = recorder([id]);
    relay.addTarget(seen.target);
    const resent = relay.resendWatched(); // reads "completed"
    relay.handlers.status({ id, status: 'processing', sentAt: Date.now() }); // sent before the commit, heard after the read began
    relay.handlers.status({ id, status: 'completed', response: 'Done.', sentAt: Date.now() });
    await resent;
    relay.handlers.delta({ messageId: id, seq: 3, text: 'late' });
    await relay.resendWatched();
    expect(seen.statuses).toEqual([{ messageId: id, status: 'completed', response: 'Done.' }]);
    expect(seen.deltas).toEqual([]);
  });

  it('a final state too big for NOTIFY is read by id and keeps its place in the order', async () => {
    const id = await insert('completed', BIG_ANSWER);
    const relay = new Relay(pool, silent);
    const seen = recorder([]);
    relay.addTarget(seen.target);
    relay.handlers.delta({ messageId: id, seq: 0, text: 'A' });
    relay.handlers.status({ id, status: 'completed', truncated: true, sentAt: Date.now() });
    relay.handlers.delta({ messageId: id, seq: 1, text: 'late' }); // after the final state: dropped
    await eventually(() => seen.statuses.length === 1, 5000);
    expect(seen.statuses[0]).toEqual({ messageId: id, status: 'completed', response: BIG_ANSWER });
    expect(seen.deltas.map((d) => d.text)).toEqual(['A']);
  });

  it('a target that throws neither stops the others nor reaches the listener', async () => {
    const relay = new Relay(pool, silent);
    const seen = recorder([]);
    relay.addTarget({
      status: () => {
        throw new Error('broken target');
      },
      delta: () => {
        throw new Error('broken target');
      },
      watchedMessageIds: () => [],
    });
    relay.addTarget(seen.target);
    const id = '00000000-0000-4000-8000-000000000001';
    expect(() => relay.handlers.delta({ messageId: id, seq: 0, text: 'x' })).not.toThrow();
    expect(() => relay.handlers.status({ id, status: 'processing', sentAt: Date.now() })).not.toThrow();
    expect(seen.statuses).toHaveLength(1);
    expect(seen.deltas).toHaveLength(1);
  });

  it('a delta from a worker here waits for the processing status of its message; its echo from the bus is dropped', async () => {
    const relay = new Relay(pool, silent);
    const seen = recorder([]);
    const order: string[] = [];
    relay.addTarget({
      status: (e) => order.push(e.status),
      delta: (e) => order.push(`delta ${e.seq}`),
      watchedMessageIds: () => [],
    });
    relay.addTarget(seen.target);
    const id = '00000000-0000-4000-8000-000000000002';
    relay.handlers.status({ id, status: 'pending', sentAt: Date.now() });
    relay.localDelta({ messageId: id, seq: 0, text: 'Fast ', attempt: 1 }); // before the claim's NOTIFY came
    relay.localDelta({ messageId: id, seq: 1, text: 'worker.', attempt: 1 });
    expect(order).toEqual(['pending']);
    relay.handlers.status({ id, status: 'processing', sentAt: Date.now() });
    relay.localDelta({ messageId: id, seq: 2, text: ' More.', attempt: 1 });
    relay.handlers.delta({ messageId: id, seq: 1, text: 'worker.', attempt: 1 }); // the bus repeats it
    expect(order).toEqual(['pending', 'processing', 'delta 0', 'delta 1', 'delta 2']);
    expect(seen.deltas.map((d) => d.text).join('')).toBe('Fast worker. More.');
  });

  it('a delta of a cancelled message flushed by its stopping worker is dropped, not held', async () => {
    const relay = new Relay(pool, silent);
    const seen = recorder([]);
    relay.addTarget(seen.target);
    const id = '00000000-0000-4000-8000-000000000005';
    relay.handlers.status({ id, status: 'processing', sentAt: Date.now() });
    relay.handlers.status({ id, status: 'failed', error: 'Cancelled.', cancelled: true, sentAt: Date.now() });
    relay.localDelta({ messageId: id, seq: 0, text: 'flushed while stopping', attempt: 1 });
    relay.handlers.status({ id, status: 'processing', sentAt: Date.now() }); // a late, stale copy
    expect(seen.deltas).toEqual([]);
  });

  it('a watched message whose text is missing here is asked for; the catch-up is relayed from seq 0, once', async () => {
    const relay = new Relay(pool, silent);
    const asked: string[] = [];
    relay.requestDeltasWith((messageId) => asked.push(messageId));
    const id = '00000000-0000-4000-8000-000000000003';
    const seen = recorder([id]);
    relay.addTarget({ ...seen.target, watches: (messageId) => messageId === id });
    relay.handlers.status({ id, status: 'processing', sentAt: Date.now() }); // answered elsewhere, watched here
    expect(asked).toEqual([id]);
    relay.handlers.delta({ messageId: id, seq: 4, text: 'e', attempt: 1 }); // on the bus for another asker
    expect(asked).toEqual([id, id]);
    expect(seen.deltas).toEqual([]);
    const catchUp = ['a', 'b', 'c', 'd', 'e'].map((text, seq) => ({ messageId: id, seq, text, attempt: 1 }));
    for (const delta of catchUp) relay.handlers.delta(delta);
    for (const delta of catchUp) relay.handlers.delta(delta); // asked twice: sent twice
    relay.handlers.delta({ messageId: id, seq: 5, text: 'f', attempt: 1 });
    expect(seen.deltas.map((d) => d.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    // Unwatched, heard mid-answer: nothing relayed and nothing asked.
    const other = '00000000-0000-4000-8000-000000000004';
    relay.handlers.delta({ messageId: other, seq: 2, text: 'x', attempt: 1 });
    expect(asked).toEqual([id, id]);
    expect(seen.deltas.filter((d) => d.messageId === other)).toEqual([]);
  });
});

describe('the statistics pusher', () => {
  it('reads one at a time and pushes in order, at least 250 ms apart, only after changes', async () => {
    let reads = 0;
    let active = 0;
    let maxActive = 0;
    const read = async () => {
      const n = ++reads;
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(n === 1 ? 400 : 20); // a slow first read must not be overtaken
      active -= 1;
      return { messagesProcessed: n } as Statistics;
    };
    const pusher = new StatsBroadcaster({ pool: scripted.pool, logger: silent, instanceStaleAfterMs: 0, read });
    const sent: Array<{ at: number; value: number }> = [];
    pusher.addAudience({
      size: () => 1,
      send: (s) => sent.push({ at: performance.now(), value: s.messagesProcessed }),
    });
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      pusher.markChanged();
      await sleep(10);
    }
    await sleep(700);
    const settled = sent.length;
    await sleep(600);
    pusher.stop();
    expect(maxActive).toBe(1);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(8); // ~1.9 s of changes at 4 a second
    expect(sent.map((s) => s.value)).toEqual(sent.map((_, i) => i + 1)); // every read, in order
    const gaps = sent.slice(1).map((s, i) => s.at - (sent[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(245);
    expect(sent.length).toBe(settled); // no change, no push
  });
});

describe('the listener connection', () => {
  it('killed with pg_terminate_backend: a final state reached while it was down is re-sent, and updates flow again', async () => {
    const client = await connect(scripted.url);
    const asked = await client.socket.emitWithAck('ask', { question: 'Survive the listener [hold:listener]' });
    const id = asked.messageId;
    await eventually(() => hasStatus(client, id, 'processing'), 5000);
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    const watcher = new pg.Client({ connectionString: db.url }); // opened before connections are refused
    await Promise.all([admin.connect(), watcher.connect()]);
    const listeners = `SELECT pid FROM pg_stat_activity
                        WHERE application_name = 'medchat listener' AND datname = current_database()`;
    try {
      // Keep the listeners away while the answer is written: its notification reaches no one.
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      const killed = await watcher.query(`SELECT pg_terminate_backend(pid, 5000) AS gone FROM (${listeners}) l`);
      expect(killed.rows.length).toBeGreaterThanOrEqual(1);
      expect(killed.rows.every((r) => r.gone === true)).toBe(true);
      provider.release('listener');
      await eventually(
        async () =>
          (await watcher.query('SELECT status FROM messages WHERE id = $1', [id])).rows[0]?.status === 'completed',
        10_000,
        'the answer written while no listener runs',
      );
      // No listener runs, so nothing can have been relayed meanwhile.
      expect((await watcher.query(listeners)).rows).toEqual([]);
      expect(statusesOf(client, id)).toEqual(['pending', 'processing']);
    } finally {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await Promise.all([admin.end(), watcher.end()]);
    }
    await eventually(() => hasStatus(client, id, 'completed'), 15_000, 'the final state re-sent after the reconnect');
    // Both instances listen again (pg-listen says "connected" once its LISTENs are done).
    await eventually(
      async () =>
        (
          await db.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = 'medchat listener'
               AND datname = current_database() AND state = 'idle' AND query LIKE 'LISTEN%'`,
          )
        ).rowCount === 2,
      10_000,
      'both listeners back',
    );
    const final = await waitForFinal(scripted.url, id);
    await heardAllSoFar(client); // a re-sent duplicate would have arrived before this
    expect(statusesOf(client, id)).toEqual(['pending', 'processing', 'completed']);
    expect(client.of(id).statuses.at(-1)?.response).toBe(final.response);
    // And new events flow again, on both instances' listeners.
    for (const base of [scripted.url, service.url]) {
      const other = base === scripted.url ? client : await connect(base);
      const next = await other.socket.emitWithAck('ask', { question: 'After the reconnect' });
      await eventually(() => hasStatus(other, next.messageId, 'completed'), 10_000);
      expect(statusesOf(other, next.messageId)).toEqual(['pending', 'processing', 'completed']);
      other.socket.close();
    }
  }, 40_000);
});

describe('several instances', () => {
  it('two processes: a client on A sees, exactly once and in order, every event of a message posted to and processed by B', async () => {
    const env = { DATABASE_URL: db.url, WORKER_LEASE_SECONDS: '5' };
    // B has one worker, kept busy by a first question: the second waits, pending, for a while.
    const [a, b] = await Promise.all([
      startServerProcess({ ...env, MOCK_LATENCY_MS: '300' }),
      startServerProcess({ ...env, MOCK_LATENCY_MS: '1500', MAX_WORKERS: '1' }),
    ]);
    try {
      const onA = await connect(a.url);
      const monitorA = await connect(`${a.url}/monitor`);
      const statsA: Statistics[] = [];
      monitorA.socket.on('stats', (s: Statistics) => statsA.push(s));
      await eventually(() => statsA.length > 0, 5000, 'stats on connect');
      const succeededBefore = statsA.at(-1)?.messagesSucceeded ?? Number.NaN;
      const blocker = await ask(b.url, 'Keep B busy');
      const id = await ask(b.url, 'Posted to B');
      // A relayed "pending" (its /monitor saw it): subscribing now, nothing can be in flight.
      await eventually(() => hasStatus(monitorA, id, 'pending'), 5000, 'A hears the new message');
      expect(await onA.socket.emitWithAck('subscribe', { messageId: id })).toEqual({
        message: { messageId: id, status: 'pending', conversationId: expect.any(String) },
      });
      const final = await waitForFinal(b.url, id);
      await eventually(() => hasStatus(onA, id, 'completed'), 10_000);
      await heardAllSoFar(onA); // a duplicate would have arrived before this
      const { statuses, deltas } = onA.of(id);
      expect(statuses.map((s) => s.status)).toEqual(['processing', 'completed']);
      expect(statuses.at(-1)?.response).toBe(final.response);
      expect(deltas.length).toBeGreaterThan(1);
      expect(seqsOf(deltas)).toEqual(gapless(deltas));
      expect(textOf(deltas)).toBe(final.response);
      for (const m of [blocker, id]) expect(statusesOf(monitorA, m)).toEqual(['pending', 'processing', 'completed']);
      await eventually(
        () => statsA.at(-1)?.messagesSucceeded === succeededBefore + 2,
        5000,
        "A's stats count B's work",
      );
      // B did the work, A none of it.
      expect(answeredIds(b.output())).toEqual(expect.arrayContaining([blocker, id]));
      expect(answeredIds(a.output())).toEqual([]);
      onA.socket.close();
      monitorA.socket.close();
    } finally {
      await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
    }
  }, 60_000);
});
