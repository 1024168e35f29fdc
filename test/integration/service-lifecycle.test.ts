/**
 * Start-up as composition (server/service.ts, server/parts/): a start that fails part-way stops
 * everything it made, last made first, and close() is the same unwinding. After either, nothing
 * is left: no socket, server or timer of the service in this process, no instance row, and no
 * message held by the instance that is gone.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { insertMessage } from '../../server/db/messages.js';
import { useMigratedPoolForFile } from '../helpers/database.js';
import { ask, eventually } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';

const file = useMigratedPoolForFile({ max: 1, applicationName: 'lifecycle test' });

/** How many of each kind of handle (socket, server, timer…) this process holds now. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** The kinds of which the process holds more than it did before. */
function moreThan(before: Map<string, number>): Record<string, string> {
  const more: Record<string, string> = {};
  for (const [kind, count] of resources()) {
    if (count > (before.get(kind) ?? 0)) more[kind] = `${before.get(kind) ?? 0} → ${count}`;
  }
  return more;
}

/** Waits for the handles a stop closed to be let go (close callbacks run a turn later), then compares. */
async function expectNothingLeft(before: Map<string, number>): Promise<void> {
  await eventually(() => Object.keys(moreThan(before)).length === 0, 5_000, 'the handles let go').catch(
    () => undefined,
  );
  expect(moreThan(before)).toEqual({});
}

async function instanceRows(): Promise<number> {
  return (await file.db.query<{ n: number }>('SELECT count(*)::int AS n FROM instances')).rows[0]?.n ?? -1;
}

/** A TCP server that takes connections and never answers: a database that hangs at connect. */
async function silentServer(): Promise<{ port: number; hangUp(): Promise<void> }> {
  const held = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hangUp: async () => {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a start that fails', () => {
  it('when its HTTP port is taken: everything made before is stopped, and the instance row is gone', async () => {
    await file.db.query('SELECT 1'); // the assertion client, opened before counting
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const before = resources();
    try {
      await expect(startTestService({ databaseUrl: file.db.url, env: { SERVER_PORT: String(port) } })).rejects.toThrow(
        /EADDRINUSE/,
      );
      await expectNothingLeft(before);
      expect(await instanceRows()).toBe(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('after its sweeper took abandoned work: the work goes back, and nothing is left', async () => {
    // A message a vanished instance held: its lease has expired, so the next start's sweeper takes it.
    const id = randomUUID();
    await insertMessage(file.pool, {
      id,
      question: 'left behind',
      conversationId: null,
      urgentAdvice: null,
      instanceId: 'gone',
      leaseMs: 1,
    });
    const database = await silentServer();
    await file.db.query('SELECT 1');
    const before = resources();
    const starting = startTestService({
      databaseUrl: file.db.url,
      env: {
        DATABASE_URL: file.db.url,
        // The listener's connection hangs until the test hangs up: the start fails in its realtime part.
        LISTEN_DATABASE_URL: `postgres://postgres@127.0.0.1:${database.port}/postgres`,
        MOCK_LATENCY_MS: '60000',
        SHUTDOWN_GRACE_SECONDS: '0.1',
      },
    });
    const failed = expect(starting).rejects.toThrow();
    const holder = async () =>
      (await file.db.query<{ claimed_by: string | null }>('SELECT claimed_by FROM messages WHERE id = $1', [id]))
        .rows[0]?.claimed_by;
    await eventually(async () => (await holder()) !== 'gone', 10_000, 'the sweeper took the message');
    await database.hangUp();
    await failed;
    await expectNothingLeft(before);
    expect(await instanceRows()).toBe(0);
    const row = await file.db.query('SELECT status, claimed_by FROM messages WHERE id = $1', [id]);
    expect(row.rows).toEqual([{ status: 'pending', claimed_by: null }]); // given back, not held by no one
  });
});

describe('close()', () => {
  it('is the same unwinding: after a start, some work and a close, nothing is left', async () => {
    await file.db.query('SELECT 1');
    const before = resources();
    const service = await startTestService({ databaseUrl: file.db.url });
    await ask(service.url, 'One question before closing');
    await service.close();
    await service.close(); // twice is once
    await expectNothingLeft(before);
    expect(await instanceRows()).toBe(0);
  });
});
