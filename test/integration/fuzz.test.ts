/**
 * Issue 7, bad input: thousands of random and hostile requests and socket events. Every answer
 * to a bad request is a 4xx with a JSON error, none is a 500, and the service keeps serving.
 * The generator is seeded, so a failure can be replayed.
 */
import net from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';

/** mulberry32: a small deterministic generator. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800', // lone surrogate
  '\udfff\ud800',
  '\u202e\u202dRTL',
  '\u200b\u200b\u200b',
  '🧑‍⚕️'.repeat(3000),
  'é'.repeat(5000),
  'x'.repeat(70_000),
  '<script>alert(1)</script>',
  "'; DROP TABLE messages; --",
  '{{constructor.constructor("return process")()}}',
  '../../etc/passwd',
  '%00%ff%fe',
];

/** encodeURIComponent refuses lone surrogates; those go as their raw (invalid) UTF-8 bytes. */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

function hostileBody(r: ReturnType<typeof seeded>): string {
  switch (r.int(12)) {
    case 0:
      return '{"question": ';
    case 1:
      return '{"question": "unterminated';
    case 2:
      return JSON.stringify({ question: r.pick([42, null, true, [], {}, ['a'], { q: 'x' }, 1e308, -0]) });
    case 3:
      return JSON.stringify({ question: r.pick(ODD_STRINGS) });
    case 4:
      return `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    case 5:
      return `{"question":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    case 6:
      return JSON.stringify(r.pick(['just a string', 12, null, [1, 2, 3], true]));
    case 7:
      return '\u0000\u0001\u0002binary\uffff';
    case 8:
      return JSON.stringify({
        question: 'valid-ish',
        conversationId: r.pick(['x', 1, '00000000-0000-0000-0000-000000000000']),
      });
    case 9:
      return JSON.stringify({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } });
    case 10:
      return 'a'.repeat(70 * 1024);
    default:
      return r.pick(ODD_STRINGS);
  }
}

function hostileRequest(r: ReturnType<typeof seeded>): {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
} {
  const method = r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'POST', 'POST', 'GET']);
  const id = r.pick(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%00', '..%2f..%2f', 'ﬀ', '1'.repeat(500)]);
  const path = r.pick([
    '/api/chat',
    `/api/chat/${id}`,
    `/api/chat/${id}/cancel`,
    `/api/chat/${id}/events`,
    `/api/conversations/${id}`,
    '/api/statistics',
    '/api/nope',
    '/api/chat?question=x',
    `/api/${percentEncode(r.pick(ODD_STRINGS).slice(0, 50))}`,
    '/api/chat/%ED%A0%80', // a lone surrogate as raw (invalid) UTF-8
    '/api/chat/%E0%A4%A',
  ]);
  const contentType = r.pick([
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  ]);
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  if (r.next() < 0.2) headers['idempotency-key'] = r.pick(['ok-key', 'bad key', 'ä', 'x'.repeat(300)]);
  return method === 'GET' || method === 'DELETE'
    ? { method, path, headers }
    : { method, path, headers, body: hostileBody(r) };
}

let db: TestDatabase;
let service: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({ databaseUrl: db.url, env: { MOCK_LATENCY_MS: '0', QUEUE_MAXSIZE: '100000' } });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

describe('fuzzing', () => {
  it('answers 2,000 random and hostile HTTP requests without a 500, always with a JSON error for 4xx', async () => {
    const r = seeded(20261124);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const requests = Array.from({ length: 2000 }, () => hostileRequest(r));
    for (let i = 0; i < requests.length; i += 20) {
      await Promise.all(
        requests.slice(i, i + 20).map(async (req) => {
          const response = await fetch(`${service.url}${req.path}`, {
            method: req.method,
            headers: req.headers,
            body: req.body,
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          const where = `${req.method} ${req.path.slice(0, 60)} [${req.headers['content-type'] ?? ''}] → ${response.status}`;
          if (response.status >= 500) failures.push(`${where}: ${text.slice(0, 200)}`);
          if (response.status >= 400) {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              failures.push(`${where}: not JSON: ${text.slice(0, 100)}`);
              return;
            }
            if (typeof (body as { error?: unknown }).error !== 'string') failures.push(`${where}: no error field`);
            if (/at .+\.(ts|js):\d+/.test(text)) failures.push(`${where}: stack trace leaked`);
          }
        }),
      );
    }
    console.log('fuzz status counts', Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
    expect(failures).toEqual([]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    // Still serving.
    const id = await ask(service.url, 'Still there after the fuzzing?');
    expect((await waitForFinal(service.url, id)).status).toBe('completed');
  }, 120_000);

  it('survives malformed socket events and raw garbage on the socket port, and keeps serving others', async () => {
    const r = seeded(7);
    const bystander = io(service.url, { transports: ['websocket'] });
    const attacker = io(service.url, { transports: ['websocket'] });
    await Promise.all(
      [bystander, attacker].map((s) => new Promise((resolve) => s.once('connect', () => resolve(undefined)))),
    );
    const payloads: unknown[] = [
      undefined,
      null,
      42,
      'str',
      [],
      [1, 2],
      { question: 5 },
      { messageId: [] },
      { question: '' },
    ];
    const acks: unknown[] = [];
    for (let i = 0; i < 300; i++) {
      const event = r.pick(['ask', 'subscribe', 'unsubscribe', 'nope', '__proto__', 'constructor', 'toString']);
      const payload = r.pick(payloads);
      if (r.next() < 0.5) attacker.emit(event, payload, (ack: unknown) => acks.push(ack));
      else attacker.emit(event, payload, payload, payload);
    }
    // Raw bytes at the HTTP/engine.io level.
    for (const garbage of [
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n\r\n',
      '\u0000\u0001\u0002',
      'POST / HTTP/9.9\r\n\r\n',
    ]) {
      await new Promise<void>((resolve) => {
        const raw = net.connect(Number(new URL(service.url).port), '127.0.0.1', () => raw.write(garbage));
        // The server may answer and keep the connection alive: give it a moment, then hang up.
        setTimeout(() => raw.destroy(), 300);
        raw.on('close', () => resolve());
        raw.on('error', () => resolve());
      });
    }
    const polling = await fetch(`${service.url}/socket.io/?EIO=4&transport=polling&sid=garbage`, {
      method: 'POST',
      body: '9999:%%%',
    });
    expect(polling.status).toBeLessThan(500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack).toEqual({ error: expect.any(String) });
    expect(bystander.connected).toBe(true);
    const asked = await bystander.emitWithAck('ask', { question: 'Is the bystander fine?' });
    expect(asked).toMatchObject({ messageId: expect.any(String) });
    bystander.close();
    attacker.close();
  });
});
