/**
 * The delta publisher: the answer's text goes out as NOTIFYs on message_delta, in order; for a
 * message still being written (`after`), nothing goes out before the write is done, and nothing
 * at all if it fails.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
