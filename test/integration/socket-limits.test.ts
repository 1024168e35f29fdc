/**
 * Bounded work per socket (issue 16): requests over a socket's in-flight bound or its rate are
 * refused at once with an error ack; a socket that keeps flooding is disconnected; refusals are
 * one summary log line; subscribe reads are batched, hold at most two of the pool's connections,
 * wait in a bounded line, and are dropped when closing.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../server/db/pool.js';
import { RequestRefused, SERVER_BUSY, SHUTTING_DOWN, TOO_MANY_REQUESTS } from '../../server/realtime/socket-limits.js';
import { SocketReads } from '../../server/realtime/socket-reads.js';
import { lockMessages, migratedPool, useTestDatabaseForFile } from '../helpers/database.js';
import { ask, eventually } from '../helpers/http.js';
import { startLoggedService } from '../helpers/logged-service.js';
import { connect } from '../helpers/socket.js';

const db = useTestDatabaseForFile();

/** Statements of the subscribe read (getMessageStates) waiting for the lock. */
async function readsParked(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'SELECT id, status%'`,
  );
  return rows[0]?.n ?? 0;
}

/** Sends `count` unsubscribes at once; their acks, in order. */
function unsubscribeBurst(socket: Socket, count: number): Promise<unknown[]> {
  const messageId = crypto.randomUUID();
  return Promise.all(Array.from({ length: count }, () => socket.emitWithAck('unsubscribe', { messageId })));
}

describe('a socket over its limits', () => {
  it('is refused at once beyond SOCKET_MAX_IN_FLIGHT under way, and answered for those admitted', async () => {
    const { service } = await startLoggedService({
      databaseUrl: db.url,
      level: 'info',
      env: { SOCKET_MAX_IN_FLIGHT: '2' },
    });
    try {
      const messageId = await ask(service.url, 'Is a daily walk enough exercise?');
      const client = await connect(service.url);
      const lock = await lockMessages(db.url);
      let admitted: Promise<unknown[]>;
      try {
        admitted = Promise.all([1, 2].map(() => client.socket.emitWithAck('subscribe', { messageId })));
        await eventually(async () => (await readsParked()) > 0, 5000, 'the reads parked at the lock');
        // Both admitted are under way (held by the lock): the third is refused, not queued.
        expect(await client.socket.emitWithAck('subscribe', { messageId })).toEqual({ error: TOO_MANY_REQUESTS });
      } finally {
        await lock.release();
      }
      for (const answer of await admitted) expect(answer).toMatchObject({ message: { messageId } });
      client.socket.close();
    } finally {
      await service.close();
    }
  });

  it('is held to SOCKET_EVENTS_PER_SECOND (bursts of twice that), cut off when it keeps on, and logged once', async () => {
    const started = performance.now();
    const { service, lines } = await startLoggedService({
      databaseUrl: db.url,
      level: 'info',
      // Unsubscribes use no database, so only the rate can refuse them (not the in-flight bound).
      env: { SOCKET_EVENTS_PER_SECOND: '5', SOCKET_MAX_IN_FLIGHT: '1' },
    });
    try {
      const client = await connect(service.url, { reconnection: false });
      const burst = await unsubscribeBurst(client.socket, 15);
      const admitted = burst.filter((answer) => JSON.stringify(answer) === '{"ok":true}').length;
      // The bucket holds 10; the burst takes a few milliseconds, in which it refills next to nothing.
      expect(admitted).toBeGreaterThanOrEqual(10);
      expect(admitted).toBeLessThanOrEqual(11);
      const refused = burst.filter((answer) => JSON.stringify(answer) !== '{"ok":true}');
      expect(refused).toEqual(Array(15 - admitted).fill({ error: TOO_MANY_REQUESTS }));

      // 1,000 refusals beyond what the rate refills: disconnected by the server.
      const cutOff = new Promise((resolve) => client.socket.once('disconnect', resolve));
      for (let i = 0; i < 1100; i++)
        client.socket.emit('unsubscribe', { messageId: crypto.randomUUID() }, () => undefined);
      expect(await cutOff).toBe('io server disconnect');
    } finally {
      await service.close();
    }
    // One summary line per 10 s (and the last at closing), not a line per refusal.
    const summaries = lines
      .filter((line) => line.includes('socket requests from'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; refused: { unsubscribe: number } });
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.length).toBeLessThanOrEqual(Math.ceil((performance.now() - started) / 10_000));
    expect(
      summaries.every(
        (line) => line.level === 40 && /^refused \d+ socket requests from 1 sockets in the last 10 s/.test(line.msg),
      ),
    ).toBe(true);
    expect(summaries.reduce((sum, line) => sum + line.refused.unsubscribe, 0)).toBeGreaterThanOrEqual(1000);
    expect(summaries.filter((line) => line.msg.endsWith('disconnected 1 that kept on'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('socket handler failed'))).toEqual([]);
  });
});

describe('subscribe reads', () => {
  let pool: Pool;
  const known: string[] = [];
  beforeAll(async () => {
    pool = await migratedPool(db, { max: 10, applicationName: 'socket-reads test' });
    const { service } = await startLoggedService({ databaseUrl: db.url, level: 'info' });
    try {
      for (let i = 0; i < 3; i++) known.push(await ask(service.url, `Known question ${i}`));
    } finally {
      await service.close();
    }
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('arriving together are read in one statement', async () => {
    const reads = new SocketReads(pool);
    const statements: unknown[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      statements.push(args[0]);
      return query(...args);
    }) as typeof pool.query;
    try {
      const ids = [...known, ...Array.from({ length: 97 }, () => crypto.randomUUID())];
      const rows = await Promise.all(ids.map((id) => reads.read(id)));
      expect(rows.map((row) => row?.id ?? null)).toEqual([...known, ...Array(97).fill(null)]);
      // The first goes at once (nothing to wait for); the 99 that came meanwhile go together.
      expect(statements).toHaveLength(2);
    } finally {
      pool.query = query;
      reads.close();
    }
  });

  it('hold at most two connections, wait in a bounded line, and are dropped when closing', async () => {
    const reads = new SocketReads(pool);
    const lock = await lockMessages(db.url);
    try {
      const first = reads.read(known[0] as string);
      await eventually(async () => (await readsParked()) === 1, 5000, 'the first read parked');
      const second = reads.read(known[1] as string); // the second statement
      await eventually(async () => (await readsParked()) === 2, 5000, 'the second read parked');
      // The budget is spent: these wait (not on the pool), 2,000 reads unanswered at most; more are refused.
      const waiting = Array.from({ length: 1998 }, () => reads.read(crypto.randomUUID()));
      await expect(reads.read(crypto.randomUUID())).rejects.toEqual(new RequestRefused(SERVER_BUSY));
      expect(await readsParked()).toBe(2);
      // Closing refuses those not started, at once (the lock is still held), and any new one.
      reads.close();
      const dropped = await Promise.allSettled(waiting);
      expect(dropped.every((r) => r.status === 'rejected' && r.reason.message === SHUTTING_DOWN)).toBe(true);
      await expect(reads.read(known[2] as string)).rejects.toBeInstanceOf(RequestRefused);
      await lock.release();
      // The two under way finish.
      expect((await first)?.id).toBe(known[0]);
      expect((await second)?.id).toBe(known[1]);
    } finally {
      await lock.release().catch(() => undefined);
    }
  });
});
