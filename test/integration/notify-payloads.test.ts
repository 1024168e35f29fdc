/**
 * The NOTIFY payloads against their schemas (server/db/notify-payloads.ts): real notifications from
 * the SQL of db/ and from the delta publisher, each parsed exactly, so the SQL and the schemas
 * cannot drift apart unnoticed.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseConversation } from '../../server/conversations/erase-conversation.js';
import { exactNotifyPayloadSchemas, NOTIFY_CHANNELS, type NotifyChannel } from '../../server/db/notify-payloads.js';
import type { Pool } from '../../server/db/pool.js';
import { createDeltaPublisher } from '../../server/realtime/delta-publisher.js';
import { deltaRequests } from '../../server/realtime/delta-requests.js';
import { type ListenerHandlers, startNotifyListener } from '../../server/realtime/notify-listener.js';
import { NOTIFY_PAYLOAD_LIMIT_BYTES } from '../../shared/limits.js';
import { createTestDatabase, migratedPool, type TestDatabase } from '../helpers/database.js';

const DONE_CHANNEL = 'notify_payloads_test_done';

let db: TestDatabase;
let pool: Pool;
let listener: pg.Client;
const heard: Array<{ channel: string; payload: string }> = [];
const channelsHeard = new Set<string>();
let done = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = await migratedPool(db, { max: 2, applicationName: 'notify payloads test' });
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', ({ channel, payload }) => {
    if (channel === DONE_CHANNEL) done += 1;
    else heard.push({ channel, payload: payload ?? '' });
  });
  for (const channel of [...NOTIFY_CHANNELS, DONE_CHANNEL]) await listener.query(`LISTEN ${channel}`);
});
afterAll(async () => {
  await listener?.end();
  await pool?.end();
  await db?.drop();
});

/** Everything committed before this call has been heard once it returns (one server, commit order). */
async function heardSoFar(): Promise<Array<{ channel: NotifyChannel; payload: unknown }>> {
  const expected = done + 1;
  await pool.query(`NOTIFY ${DONE_CHANNEL}`);
  await expect.poll(() => done, { timeout: 10_000 }).toBe(expected);
  const taken = heard.splice(0);
  for (const { channel } of taken) channelsHeard.add(channel);
  return taken.map(({ channel, payload }) => {
    expect(NOTIFY_CHANNELS, `a payload on ${channel}, a channel without a schema`).toContain(channel);
    return { channel: channel as NotifyChannel, payload: JSON.parse(payload) as unknown };
  });
}

/** Each payload parsed with its channel's exact schema (no field more or less than the SQL sends). */
function parsedExactly(heardPayloads: Array<{ channel: NotifyChannel; payload: unknown }>) {
  return heardPayloads.map(({ channel, payload }) => {
    const parsed = exactNotifyPayloadSchemas[channel].safeParse(payload);
    expect(parsed.error, `${channel}: ${JSON.stringify(payload).slice(0, 300)}`).toBeUndefined();
    return { channel, payload: parsed.data };
  });
}

async function one<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R> {
  const { rows } = await pool.query<R>(sql, params);
  if (!rows[0]) throw new Error(`no row from ${sql}`);
  return rows[0];
}

const sentAt = expect.any(Number);
const BIG = 'Drink fluids, rest. '.repeat(Math.ceil(NOTIFY_PAYLOAD_LIMIT_BYTES / 10));

describe('NOTIFY payloads from the SQL', () => {
  it('a message through its life: urgent, conversation, retry, answer; each payload exactly its schema', async () => {
    const { id: conversationId } = await one<{ id: string }>('INSERT INTO conversations DEFAULT VALUES RETURNING id');
    const { id } = await one<{ id: string }>(
      `INSERT INTO messages (question, conversation_id, urgent, urgent_advice, urgent_source)
       VALUES ('chest pain', $1, true, 'Call emergency services now.', 'rules') RETURNING id`,
      [conversationId],
    );
    await pool.query(`UPDATE messages SET status = 'processing', attempts = 1 WHERE id = $1`, [id]);
    await pool.query('UPDATE messages SET retries = retries + 1, attempts = attempts + 1 WHERE id = $1', [id]);
    await pool.query(`UPDATE messages SET status = 'completed', response = 'Go now.' WHERE id = $1`, [id]);
    const urgency = {
      conversationId,
      urgent: true,
      urgentAdvice: 'Call emergency services now.',
      urgentSource: 'rules',
    };
    expect(parsedExactly(await heardSoFar())).toEqual([
      { channel: 'message_status', payload: { id, status: 'pending', ...urgency, sentAt } },
      { channel: 'message_status', payload: { id, status: 'processing', ...urgency, sentAt } },
      { channel: 'statistics_changed', payload: {} },
      { channel: 'message_status', payload: { id, status: 'completed', response: 'Go now.', ...urgency, sentAt } },
    ]);
  });

  it('a message written already claimed announces pending, then processing; a big answer comes truncated', async () => {
    const { id } = await one<{ id: string }>(
      `INSERT INTO messages (question, status, attempts, claimed_by) VALUES ('q', 'processing', 1, 'i') RETURNING id`,
    );
    await pool.query(`UPDATE messages SET status = 'completed', response = $2 WHERE id = $1`, [id, BIG]);
    expect(parsedExactly(await heardSoFar())).toEqual([
      { channel: 'message_status', payload: { id, status: 'pending', sentAt } },
      { channel: 'message_status', payload: { id, status: 'processing', sentAt } },
      { channel: 'message_status', payload: { id, status: 'completed', truncated: true, sentAt } },
    ]);
  });

  it("the model's later flag on a finished message is a status event of its own", async () => {
    const { id } = await one<{ id: string }>(
      `INSERT INTO messages (question, status, response) VALUES ('q', 'completed', 'Rest.') RETURNING id`,
    );
    await pool.query(
      `UPDATE messages SET urgent = true, urgent_source = 'model', urgent_advice = 'Go to A&E.' WHERE id = $1`,
      [id],
    );
    const flagged = { urgent: true, urgentAdvice: 'Go to A&E.', urgentSource: 'model' };
    expect(parsedExactly(await heardSoFar())).toEqual([
      { channel: 'message_status', payload: { id, status: 'completed', response: 'Rest.', sentAt } },
      { channel: 'message_status', payload: { id, status: 'completed', response: 'Rest.', ...flagged, sentAt } },
    ]);
  });

  it('failures, a big error, and a cancellation', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await one<{ id: string }>(`INSERT INTO messages (question) VALUES ('q') RETURNING id`)).id);
    const [failed, big, cancelled] = ids;
    await pool.query(`UPDATE messages SET status = 'failed', error = 'The model refused.' WHERE id = $1`, [failed]);
    await pool.query(`UPDATE messages SET status = 'failed', error = $2 WHERE id = $1`, [big, BIG]);
    await pool.query(`UPDATE messages SET status = 'failed', error = 'cancelled', cancelled = true WHERE id = $1`, [
      cancelled,
    ]);
    expect(parsedExactly(await heardSoFar())).toEqual([
      ...ids.map((id) => ({ channel: 'message_status', payload: { id, status: 'pending', sentAt } })),
      { channel: 'message_status', payload: { id: failed, status: 'failed', error: 'The model refused.', sentAt } },
      { channel: 'message_status', payload: { id: big, status: 'failed', truncated: true, sentAt } },
      {
        channel: 'message_status',
        payload: { id: cancelled, status: 'failed', error: 'cancelled', cancelled: true, sentAt },
      },
    ]);
  });

  it('instances joining and leaving, and deleted messages, send empty signals', async () => {
    await pool.query(`INSERT INTO instances (id, max_workers) VALUES ('notify-test', 2)`);
    await pool.query(`DELETE FROM instances WHERE id = 'notify-test'`);
    await pool.query('DELETE FROM messages');
    expect(parsedExactly(await heardSoFar())).toEqual([
      { channel: 'instances_changed', payload: {} },
      { channel: 'instances_changed', payload: {} },
      { channel: 'messages_deleted', payload: {} },
    ]);
  });

  it('a deleted conversation: its id and all its messages, those being answered first, in payloads that fit', async () => {
    const { id: conversationId } = await one<{ id: string }>('INSERT INTO conversations DEFAULT VALUES RETURNING id');
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO messages (question, conversation_id, status)
       SELECT 'q' || n, $1, CASE WHEN n = 400 THEN 'processing' ELSE 'completed' END FROM generate_series(1, 400) n
       RETURNING id`,
      [conversationId],
    );
    await heardSoFar(); // their status events
    const answering = rows.at(-1)?.id;
    expect(await eraseConversation(pool, conversationId)).toHaveLength(400);
    const [signal, ...notices] = parsedExactly(await heardSoFar());
    expect(signal).toEqual({ channel: 'messages_deleted', payload: {} });
    expect(notices.length).toBeGreaterThan(1);
    const ids = notices.flatMap(({ channel, payload }) => {
      expect(channel).toBe('conversation_deleted');
      expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(NOTIFY_PAYLOAD_LIMIT_BYTES);
      return (payload as { conversationId: string; messageIds: string[] }).messageIds;
    });
    expect(notices.map(({ payload }) => (payload as { conversationId: string }).conversationId)).toEqual(
      notices.map(() => conversationId),
    );
    expect(ids[0]).toBe(answering);
    expect(ids.toSorted()).toEqual(rows.map((row) => row.id).toSorted());
  });

  it('the delta publisher: pieces in order, a retried attempt restarting at seq 0', async () => {
    const publisher = createDeltaPublisher({ pool, logger: pino({ level: 'silent' }), maxBatchBytes: 1000 });
    const messageId = crypto.randomUUID();
    const first = publisher.open({ messageId, attempt: 1 });
    first.push('Partial ');
    await first.end();
    const second = publisher.open({ messageId, attempt: 2 });
    second.push('é'.repeat(700)); // 1400 bytes: two pieces
    await second.end();
    const rest = publisher.open({ messageId, attempt: 3 });
    rest.push('Kept for the completing statement.');
    // What the completing statement publishes (server/db/messages.ts) is the publisher's payload too.
    for (const payload of await rest.takeRest())
      await pool.query('SELECT pg_notify($1, $2)', ['message_delta', payload]);
    expect(parsedExactly(await heardSoFar())).toEqual([
      { channel: 'message_delta', payload: { messageId, seq: 0, text: 'Partial ', attempt: 1 } },
      { channel: 'message_delta', payload: { messageId, seq: 0, text: 'é'.repeat(500), attempt: 2, restart: true } },
      { channel: 'message_delta', payload: { messageId, seq: 1, text: 'é'.repeat(200), attempt: 2 } },
      {
        channel: 'message_delta',
        payload: { messageId, seq: 0, text: 'Kept for the completing statement.', attempt: 3, restart: true },
      },
    ]);
  });

  it('an instance asking for the deltas of a message answered elsewhere: the message id', async () => {
    const messageId = crypto.randomUUID();
    const ask = deltaRequests({
      pool,
      logger: pino({ level: 'silent' }),
      instanceId: 'i-1',
      isStreamingHere: () => false,
    });
    ask(messageId);
    ask(messageId); // within a second of the first: not asked again
    await expect.poll(() => heard.length, { timeout: 10_000 }).toBe(1);
    expect(parsedExactly(await heardSoFar())).toEqual([
      { channel: 'message_delta_wanted', payload: { messageId, instanceId: 'i-1' } },
    ]);
  });

  it('every channel the listener follows was heard above (a new channel needs a case here)', () => {
    expect([...channelsHeard].toSorted()).toEqual(NOTIFY_CHANNELS.toSorted());
  });
});

describe('the listener', () => {
  it('drops a malformed payload, logging it once, and hands on the valid ones', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const statuses: unknown[] = [];
    const deltas: unknown[] = [];
    const handlers: ListenerHandlers = {
      status: (notification) => statuses.push(notification),
      delta: (event) => deltas.push(event),
      wantsDeltasOf: () => true,
      deltaWanted: () => undefined,
      instancesChanged: () => undefined,
      statisticsChanged: () => undefined,
      messagesDeleted: () => undefined,
      conversationDeleted: () => undefined,
      reconnected: () => undefined,
    };
    const listening = await startNotifyListener({ databaseUrl: db.url, logger, handlers });
    try {
      const id = crypto.randomUUID();
      const valid = { id, status: 'processing', sentAt: Date.now() };
      for (const [channel, payload] of [
        ['message_status', JSON.stringify({ status: 'processing', sentAt: 1 })], // no id
        ['message_status', JSON.stringify({ ...valid, status: 'done' })],
        ['message_status', '{"id": "cut off'],
        ['message_delta', JSON.stringify({ messageId: id, seq: -1, text: 'x' })],
        ['message_status', JSON.stringify({ ...valid, addedByANewerMigration: 1 })], // tolerated
        ['message_delta', JSON.stringify({ messageId: id, seq: 0, text: 'fine', attempt: 1 })],
      ]) {
        await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
      }
      await expect.poll(() => deltas.length, { timeout: 10_000 }).toBe(1);
      expect(statuses).toEqual([valid]);
      expect(deltas).toEqual([{ messageId: id, seq: 0, text: 'fine', attempt: 1 }]);
      // Rate-limited: the first is logged (channel and issues, no text); the next ones are counted.
      expect(logs).toEqual([
        expect.objectContaining({
          msg: 'dropped malformed notification payloads',
          channel: 'message_status',
          dropped: 1,
        }),
      ]);
    } finally {
      await listening.close();
    }
  });
});
