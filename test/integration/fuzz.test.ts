/**
 * Issue 7, bad input: thousands of random and hostile requests and socket events. Every answer
 * to a bad request is a 4xx with a JSON error, none is a 500, and the service keeps serving.
 * The generator is seeded, so a failure can be replayed.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, checkedBody, postJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { openSocket } from '../helpers/socket.js';

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

/** Odd but acceptable questions: they must be taken (202), stored and answered like any other. */
const ODD_VALID_QUESTIONS = [
  '<script>alert(1)</script>',
  "'; DROP TABLE messages; --",
  '\u202e\u202dRTL and zero\u200bwidth',
  '🧑‍⚕️ why does my 🦷 hurt?',
  '\ud800 a lone surrogate',
  '{{constructor.constructor("return process")()}}',
  `${'é'.repeat(1000)}?`,
  '$(rm -rf /) `id` %s %n',
];

function hostileBody(r: ReturnType<typeof seeded>): string {
  switch (r.int(14)) {
    case 12:
    case 13:
      return JSON.stringify({ question: r.pick(ODD_VALID_QUESTIONS), ignored: { nested: [1, { x: null }] } });
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
  // Unknown and WebDAV methods too (HEAD is left out: its answers have no body to check).
  const method = r.pick([
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'POST',
    'POST',
    'GET',
    'PROPFIND',
    'LOCK',
    'OPTIONS',
  ]);
  const id = r.pick(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%00', '..%2f..%2f', 'ﬀ', '1'.repeat(500)]);
  const path = r.pick([
    '/api/chat',
    '/api/chat',
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
    '/API/CHAT/', // routes match any case and a trailing slash
    `/api/chat/${id}/`,
    '/api//chat',
    '/metrics',
    '/health',
    '/api/statistics?access_token[]=x&__proto__[polluted]=1&constructor[prototype][polluted]=1',
    '/socket.io/?EIO=4&transport=polling&sid=%00',
    '/socket.io/?EIO=99&transport=nope',
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
  if (r.next() < 0.1)
    headers.authorization = r.pick(['Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer ${'x'.repeat(4000)}`]);
  if (r.next() < 0.1) headers['x-request-id'] = r.pick(['', ' ', '\t', 'x'.repeat(1000), '<script>', 'ok-id']);
  if (r.next() < 0.1) headers['x-forwarded-for'] = r.pick(['', 'garbage', '1.2.3.4, , ::1', '999.999.999.999']);
  if (r.next() < 0.05) headers['content-encoding'] = r.pick(['gzip', 'br', 'deflate', 'identity', 'bogus']);
  // Half the time a JSON content type, so the handlers and the database see the input, not
  // only the body parser.
  if (r.next() < 0.5) headers['content-type'] = 'application/json';
  return method === 'GET' || method === 'DELETE' || method === 'OPTIONS'
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
            // Socket.IO's own endpoint answers in its protocol's JSON error shape ({ code, message }).
            if (req.path.startsWith('/socket.io/')) {
              if (typeof (body as { message?: unknown }).message !== 'string') failures.push(`${where}: no message`);
            } else {
              try {
                checkedBody(req.method, req.path, response.status, body);
              } catch (error) {
                failures.push(`${where}: ${(error as Error).message.slice(0, 300)}`);
              }
            }
            if (/at .+\.(ts|js):\d+/.test(text)) failures.push(`${where}: stack trace leaked`);
          } else if (response.status === 202) {
            checkedBody(req.method, req.path, response.status, JSON.parse(text));
          }
        }),
      );
    }
    console.log('fuzz status counts', Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
    expect(failures).toEqual([]);
    // The mix reached the handlers, not only the parser: questions were taken and refused.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(200);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    // Still serving.
    const id = await ask(service.url, 'Still there after the fuzzing?');
    expect((await waitForFinal(service.url, id)).status).toBe('completed');
  }, 120_000);

  it('refuses a question with a NUL character (which PostgreSQL cannot store) without harming questions asked with it', async () => {
    const post = (question: string) => postJson(service.url, '/api/chat', { question });
    // Sent together, so the valid questions share an INSERT batch with the bad one if it gets that far.
    const responses = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => post(`fine question ${i}`)),
      post('bad\u0000question'),
      post('\u0000'),
      ...Array.from({ length: 5 }, (_, i) => post(`fine question ${i + 5}`)),
    ]);
    const statuses = responses.map((response) => response.status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 400, 400, 202, 202, 202, 202, 202]);
    expect(responses[5]?.body).toEqual({ error: expect.stringMatching(/NUL/) });
  });

  it('refuses a NUL question over the socket with a clear error, and the questions batched with it succeed', async () => {
    const asker = openSocket(service.url);
    const attacker = openSocket(service.url);
    try {
      await Promise.all(
        [asker, attacker].map((s) => new Promise((resolve) => s.once('connect', () => resolve(undefined)))),
      );
      const acks = (await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => asker.emitWithAck('ask', { question: `socket question ${i}` })),
        attacker.emitWithAck('ask', { question: 'bad\u0000question' }),
      ])) as Array<{ messageId?: string; error?: string }>;
      for (const ack of acks.slice(0, 4)) expect(ack).toMatchObject({ messageId: expect.any(String) });
      expect(acks[4]).toEqual({ error: expect.not.stringMatching(/internal/i) });
    } finally {
      asker.close();
      attacker.close();
    }
  });

  it('survives malformed socket events and raw garbage on the socket port, and keeps serving others', async () => {
    const r = seeded(7);
    const bystander = openSocket(service.url);
    const attacker = openSocket(service.url);
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
      { question: 'x'.repeat(5000) },
      { question: '🧑‍⚕️', conversationId: 'nope' },
      { messageId: '00000000-0000-4000-8000-000000000000', extra: { deep: [[[[[]]]]] } },
      JSON.parse('{"__proto__":{"polluted":true},"question":7}'),
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
    // Each is refused for what is wrong with it, not by a handler that crashed.
    for (const ack of acks) expect(ack).toEqual({ error: expect.not.stringMatching(/internal/i) });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();

    // Broken Socket.IO packets on an open connection: that connection is dropped, nothing else.
    const broken = openSocket(service.url, { reconnection: false, forceNew: true });
    await new Promise((resolve) => broken.once('connect', () => resolve(undefined)));
    const dropped = new Promise((resolve) => broken.once('disconnect', resolve));
    const engine = broken.io.engine as unknown as { write(data: string): void };
    for (const packet of ['42["ask",{"question":', '4-1', '49', `42${'['.repeat(10_000)}`, '42"ask"']) {
      engine.write(packet);
    }
    await dropped;
    expect(bystander.connected).toBe(true);
    const asked = await bystander.emitWithAck('ask', { question: 'Is the bystander fine?' });
    expect(asked).toMatchObject({ messageId: expect.any(String) });
    bystander.close();
    attacker.close();
  });
});
