/**
 * The delta publisher: the answer's text goes out as NOTIFYs on message_delta, in order; for a
 * message still being written (`after`), nothing goes out before the write is done, and nothing
 * at all if it fails.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DELTA_CHANNEL } from '../../server/db/channels.js';
import type { Pool } from '../../server/db/pool.js';
import { createDeltaPublisher } from '../../server/realtime/delta-publisher.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import { createTestDatabase, migratedPool, type TestDatabase } from '../helpers/database.js';

let db: TestDatabase;
let pool: Pool;
let listener: pg.Client;
const heard: MessageDeltaEvent[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  pool = await migratedPool(db, { max: 2, applicationName: 'delta publisher test' });
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) => heard.push(JSON.parse(n.payload ?? '{}') as MessageDeltaEvent));
  await listener.query(`LISTEN ${DELTA_CHANNEL}`);
});
afterAll(async () => {
  await listener?.end();
  await pool?.end();
  await db?.drop();
});

const publisher = () =>
  createDeltaPublisher({ pool, logger: pino({ level: 'silent' }), flushIntervalMs: 5, maxBatchBytes: 10 });
const textOf = (messageId: string) =>
  heard
    .filter((e) => e.messageId === messageId)
    .map((e) => e.text)
    .join('');
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

/** Counts the publishing statements, and the most of them running at once. */
function watchStatements() {
  const seen = { statements: 0, running: 0, mostAtOnce: 0 };
  const query = pool.query.bind(pool) as (config: { name?: string }) => Promise<unknown>;
  vi.spyOn(pool, 'query').mockImplementation(((config: { name?: string }) => {
    if (config.name !== 'publish-deltas-in-order') return query(config);
    seen.statements += 1;
    seen.running += 1;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
    return query(config).finally(() => {
      seen.running -= 1;
    });
  }) as never);
  return seen;
}
const seqsOf = (messageId: string) => heard.filter((e) => e.messageId === messageId).map((e) => e.seq);

afterEach(() => {
  vi.restoreAllMocks();
});

/** The `after` of a message being written, and the call that says whether it was. */
function writeOutcome() {
  let written: (ok: boolean) => void = () => undefined;
  const after = new Promise<boolean>((resolve) => {
    written = resolve;
  });
  return { after, written };
}

describe('delta publisher', () => {
  it('publishes the text in order, in pieces of at most maxBatchBytes', async () => {
    const stream = publisher().open({ messageId: 'm-plain', attempt: 1 });
    stream.push('Rest, fluids ');
    stream.push('and paracetamol.');
    await stream.end();
    await expect.poll(() => textOf('m-plain')).toBe('Rest, fluids and paracetamol.');
    const seqs = heard.filter((e) => e.messageId === 'm-plain').map((e) => e.seq);
    expect(seqs).toEqual([...seqs.keys()]);
  });

  it('holds everything back until the message is written', async () => {
    const { after, written } = writeOutcome();
    const stream = publisher().open({ messageId: 'm-held', attempt: 1, after });
    stream.push('Well over ten bytes of answer, ');
    await settle();
    expect(textOf('m-held')).toBe('');
    written(true);
    stream.push('End.'); // under maxBatchBytes: still buffered, for the completing statement
    expect(await stream.takeRest()).toHaveLength(1);
    await expect.poll(() => textOf('m-held')).toBe('Well over ten bytes of answer, ');
  });

  it('publishes nothing, and hands back nothing, when the write fails', async () => {
    const { after, written } = writeOutcome();
    const stream = publisher().open({ messageId: 'm-unwritten', attempt: 1, after });
    stream.push('An answer to a question that was never stored.');
    written(false);
    stream.push('More.');
    expect(await stream.takeRest()).toEqual([]);
    await stream.end();
    await settle();
    expect(textOf('m-unwritten')).toBe('');
  });

  it('the text of all messages buffered on one tick goes out in one statement', async () => {
    const seen = watchStatements();
    const sink = publisher();
    const ids = Array.from({ length: 20 }, (_, i) => `m-tick-${i}`);
    const streams = ids.map((messageId) => sink.open({ messageId, attempt: 1 }));
    for (const [i, stream] of streams.entries()) stream.push(`hi ${i}`); // under maxBatchBytes
    await expect.poll(() => ids.every((id) => textOf(id) !== '')).toBe(true);
    expect(seen.statements).toBe(1);
    for (const [i, id] of ids.entries()) expect(textOf(id)).toBe(`hi ${i}`);
    await Promise.all(streams.map((stream) => stream.end()));
  });

  it('one statement at a time: what is sent meanwhile follows in the next, each message in order', async () => {
    const seen = watchStatements();
    const sink = publisher();
    const ids = ['m-busy-a', 'm-busy-b', 'm-busy-c'];
    const streams = ids.map((messageId) => sink.open({ messageId, attempt: 1 }));
    const texts = ids.map(() => '');
    for (let round = 0; round < 30; round++) {
      for (const [i, stream] of streams.entries()) {
        const piece = `round ${round} of ${i}; `; // over maxBatchBytes: sent at once
        texts[i] += piece;
        stream.push(piece);
      }
    }
    await Promise.all(streams.map((stream) => stream.end()));
    await expect.poll(() => ids.map(textOf)).toEqual(texts);
    expect(seen.mostAtOnce).toBe(1);
    // 90 pieces handed in; each message's next piece waits for its last, the messages share.
    expect(seen.statements).toBeLessThanOrEqual(30);
    for (const id of ids) expect(seqsOf(id)).toEqual([...seqsOf(id).keys()]);
  });

  it('with local delivery: every delta reaches this instance in order, and none goes on the bus unasked', async () => {
    const sink = publisher();
    const local: MessageDeltaEvent[] = [];
    sink.deliverLocally({ deliver: (event) => local.push(event), publishFromStart: () => false });
    const stream = sink.open({ messageId: 'm-local', attempt: 1 });
    expect(sink.isStreaming('m-local')).toBe(true);
    stream.push('Only watched here, ');
    stream.push('so only here.');
    const rest = await stream.takeRest();
    await settle();
    expect(rest).toEqual([]); // nothing for the completing statement to publish either
    expect(textOf('m-local')).toBe('');
    expect(local.map((e) => e.text).join('')).toBe('Only watched here, so only here.');
    expect(local.map((e) => e.seq)).toEqual([...local.keys()]);
    expect(sink.isStreaming('m-local')).toBe(false);
  });

  it('asked for mid-answer: all so far goes on the bus first (from seq 0), then the rest, each once', async () => {
    const sink = publisher();
    const local: MessageDeltaEvent[] = [];
    sink.deliverLocally({ deliver: (event) => local.push(event), publishFromStart: () => false });
    const stream = sink.open({ messageId: 'm-asked', attempt: 2 });
    stream.push('Before the ask, ');
    await settle();
    expect(textOf('m-asked')).toBe('');
    sink.want('m-asked');
    stream.push('after the ask, ');
    stream.push('to the end.');
    const rest = await stream.takeRest();
    for (const payload of rest) await pool.query('SELECT pg_notify($1, $2)', [DELTA_CHANNEL, payload]);
    const text = 'Before the ask, after the ask, to the end.';
    await expect.poll(() => textOf('m-asked')).toBe(text);
    expect(seqsOf('m-asked')).toEqual([...seqsOf('m-asked').keys()]);
    expect(heard.find((e) => e.messageId === 'm-asked')).toMatchObject({ seq: 0, restart: true, attempt: 2 });
    expect(local.map((e) => e.text).join('')).toBe(text);
  });

  it('asked for just before its stream opens here: on the bus from the start', async () => {
    const sink = publisher();
    sink.deliverLocally({ deliver: () => undefined, publishFromStart: () => false });
    sink.want('m-early');
    const stream = sink.open({ messageId: 'm-early', attempt: 1 });
    stream.push('Heard everywhere.');
    await stream.end();
    await expect.poll(() => textOf('m-early')).toBe('Heard everywhere.');
  });

  it('with other instances running and nobody here watching: on the bus from the start, and delivered here too', async () => {
    const sink = publisher();
    const local: MessageDeltaEvent[] = [];
    sink.deliverLocally({ deliver: (event) => local.push(event), publishFromStart: (id) => id === 'm-elsewhere' });
    const elsewhere = sink.open({ messageId: 'm-elsewhere', attempt: 1 });
    const here = sink.open({ messageId: 'm-here', attempt: 1 });
    elsewhere.push('Likely watched elsewhere.');
    here.push('Watched here.');
    await Promise.all([elsewhere.end(), here.end()]);
    await expect.poll(() => textOf('m-elsewhere')).toBe('Likely watched elsewhere.');
    expect(textOf('m-here')).toBe('');
    expect(local.map((e) => e.text).join('')).toBe('Likely watched elsewhere.Watched here.');
  });

  it('replays every delta so far here, for a gap found here', async () => {
    const sink = publisher();
    const local: MessageDeltaEvent[] = [];
    sink.deliverLocally({ deliver: (event) => local.push(event), publishFromStart: () => false });
    const stream = sink.open({ messageId: 'm-replayed', attempt: 1 });
    stream.push('Over ten bytes of text.');
    sink.replayHere('m-replayed');
    expect(local.map((e) => e.seq)).toEqual([0, 1, 2, 0, 1, 2]);
    await stream.end();
    sink.replayHere('m-replayed'); // ended: nothing to replay
    expect(local).toHaveLength(6);
  });

  it('asked for once: a retried attempt of the message goes on the bus too', async () => {
    const sink = publisher();
    sink.deliverLocally({ deliver: () => undefined, publishFromStart: () => false });
    const first = sink.open({ messageId: 'm-retried', attempt: 1 });
    sink.want('m-retried');
    first.push('Failed halfway.');
    await first.end();
    const second = sink.open({ messageId: 'm-retried', attempt: 2 });
    second.push('From the start.');
    await second.end();
    const retried = () => heard.filter((e) => e.messageId === 'm-retried' && e.attempt === 2);
    await expect
      .poll(() =>
        retried()
          .map((e) => e.text)
          .join(''),
      )
      .toBe('From the start.');
    expect(retried().map((e) => e.seq)).toEqual([...retried().keys()]);
    expect(retried()[0]?.restart).toBe(true);
  });

  it('holds local delivery back until the message is written, and drops it if it is not', async () => {
    const sink = publisher();
    const local: MessageDeltaEvent[] = [];
    sink.deliverLocally({ deliver: (event) => local.push(event), publishFromStart: () => false });
    const kept = writeOutcome();
    const dropped = writeOutcome();
    const a = sink.open({ messageId: 'm-local-held', attempt: 1, after: kept.after });
    const b = sink.open({ messageId: 'm-local-dropped', attempt: 1, after: dropped.after });
    a.push('Well over ten bytes, ');
    b.push('Well over ten bytes too.');
    await settle();
    expect(local).toEqual([]);
    kept.written(true);
    dropped.written(false);
    a.push('then more.');
    await a.end();
    await b.end();
    expect(local.map((e) => e.text).join('')).toBe('Well over ten bytes, then more.');
  });
});
