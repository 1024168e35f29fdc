/**
 * Every HTTP request takes the one express chain (server/http/app.ts): request id, log line and
 * metrics, security headers, CORS, tokens, the JSON body, the rate limit, the route, errors. What
 * the two removed fast paths were tested for, seen from outside, is tested here on that chain:
 * the headers, a BOM, bodies refused or abandoned, the log lines and the metrics. The body step
 * reads plain UTF-8 JSON itself and hands everything else to express.json: both must answer alike.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../../server/http/http-server.js';
import { SECURITY_HEADERS } from '../../server/http/security-headers.js';
import { eventually } from '../helpers/http.js';
import { requestLineShape, startLoggedService } from '../helpers/logged-service.js';
import { startTestService, useServiceForFile } from '../helpers/service.js';

const TOKEN = 'http-pipeline-token-0123456789';
const file = useServiceForFile({ env: { API_TOKEN: TOKEN } });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface PostOptions {
  headers?: Record<string, string | undefined>;
  /** Sent gzip-compressed: express.json reads it (the body step's own reader takes plain bodies). */
  gzip?: boolean;
  /** Sent chunked, without a Content-Length. */
  chunked?: boolean;
}

/** POSTs a raw body to /api/chat with the API token and a JSON content type, unless overridden. */
function post(url: string, body: string, options: PostOptions = {}): Promise<Answer> {
  const payload = options.gzip ? gzipSync(body) : Buffer.from(body);
  const headers: Record<string, string> = {
    authorization: `Bearer ${TOKEN}`,
    'content-type': 'application/json',
  };
  if (options.gzip) headers['content-encoding'] = 'gzip';
  if (!options.chunked) headers['content-length'] = String(payload.length);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/chat`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || '{}') }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Sends the headers and half a question, then goes away; resolves once the bytes left. */
function leaveHalfway(url: string, requestId: string, headers: Record<string, string>): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = http.request(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    });
    req.on('error', () => undefined);
    req.write('{"question":"half', () => {
      req.destroy();
      resolve();
    });
  });
}

const messageCount = async () =>
  Number((await file.db.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]?.n);

/** Header names every JSON answer carries, besides the ones of its status. */
const EVERY_ANSWER = [
  ...SECURITY_HEADERS.map(([name]) => name),
  'content-type',
  'content-length',
  'x-request-id',
  'date',
  'connection',
  'keep-alive',
];
const namesOf = (headers: http.IncomingHttpHeaders | Headers) =>
  (headers instanceof Headers ? [...headers.keys()] : Object.keys(headers)).sort();

async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('POST /api/chat through the chain', () => {
  it('accepts a question with the security headers, the request id and nothing else', async () => {
    const accepted = await post(file.service.url, '{"question":"What helps a sore throat?"}', {
      headers: { 'x-request-id': 'pipeline-ask' },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ messageId: expect.any(String), conversationId: expect.any(String) });
    expect(namesOf(accepted.headers)).toEqual([...EVERY_ANSWER].sort());
    expect(accepted.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(accepted.headers['x-request-id']).toBe('pipeline-ask');
    for (const [name, value] of SECURITY_HEADERS) expect(accepted.headers[name]).toBe(value);
    const urgent = await post(
      file.service.url,
      JSON.stringify({ question: 'Crushing chest pain and I cannot breathe' }),
    );
    expect(urgent.body).toMatchObject({ urgent: true, urgentAdvice: expect.stringMatching(/emergency/) });
    // A byte-order mark (a file saved as "UTF-8 with BOM" and sent with curl) is dropped, as express.json does.
    expect((await post(file.service.url, '\uFEFF{"question":"Saved with a BOM?"}')).status).toBe(202);
    expect((await post(file.service.url, '\uFEFF{"question":"Saved with a BOM?"}', { gzip: true })).status).toBe(202);
    expect((await post(file.service.url, '{"question":"Sent in chunks?"}', { chunked: true })).status).toBe(202);
  });

  it('continues a conversation, and the answer arrives', async () => {
    const first = await post(file.service.url, '{"question":"I have a fever"}');
    const followUp = await post(
      file.service.url,
      JSON.stringify({ question: 'And for a child?', conversationId: first.body.conversationId }),
    );
    expect(followUp.status).toBe(202);
    expect(followUp.body.conversationId).toBe(first.body.conversationId);
    await eventually(async () => {
      const r = await fetch(`${file.service.url}/api/chat/${followUp.body.messageId}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      return ((await r.json()) as { status: string }).status === 'completed';
    });
  });

  it('refuses bad input with a JSON error, writing nothing, whichever reader took the body', async () => {
    const before = await messageCount();
    const refusals: Array<[string, number, Record<string, string>?]> = [
      ['{"question":', 400],
      ['"just a string"', 400],
      ['   ', 400],
      ['', 400],
      ['{}', 400],
      ['{"question":""}', 400],
      [JSON.stringify({ question: 'x'.repeat(5000) }), 400],
      [JSON.stringify({ question: 'A NUL \u0000 here' }), 400],
      [JSON.stringify({ 'key\u0000': 'a NUL in a key' }), 400],
      [JSON.stringify({ question: 'Hello?', conversationId: 'not-a-uuid' }), 400],
      [JSON.stringify({ question: 'Hello?', conversationId: '00000000-0000-4000-8000-000000000000' }), 404],
      ['{"question":"Hello?"}', 400, { 'idempotency-key': 'x'.repeat(300) }],
      [JSON.stringify({ question: 'y'.repeat(70 * 1024) }), 413],
    ];
    for (const [body, status, headers] of refusals) {
      const plain = await post(file.service.url, body, { headers });
      const viaExpressJson = await post(file.service.url, body, { headers, gzip: true });
      expect([body.slice(0, 40), plain.status, plain.body]).toEqual([
        body.slice(0, 40),
        status,
        { error: expect.any(String) },
      ]);
      expect(viaExpressJson.status).toBe(plain.status);
      expect(viaExpressJson.body).toEqual(plain.body);
    }
    expect(await messageCount()).toBe(before);
  });

  it('counts a body refused before the route as refused, and one the route refused under the route', async () => {
    const before = await scrape(file.service.url);
    const count = (text: string, route: string) =>
      sample(text, `medchat_http_requests_total{method="POST",route="${route}",status="400"}`);
    expect((await post(file.service.url, '{"question":')).status).toBe(400); // the body step
    expect((await post(file.service.url, '{"question":""}')).status).toBe(400); // the route
    const after = await scrape(file.service.url);
    expect([count(after, 'refused'), count(after, '/api/chat')]).toEqual([
      count(before, 'refused') + 1,
      count(before, '/api/chat') + 1,
    ]);
  });

  it('replays an Idempotency-Key with Idempotent-Replayed, and refuses its reuse for another question', async () => {
    const key = { 'idempotency-key': 'pipeline-key-1' };
    const first = await post(file.service.url, '{"question":"Is ibuprofen safe?"}', { headers: key });
    const replay = await post(file.service.url, '{"question":"Is ibuprofen safe?"}', { headers: key });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(namesOf(replay.headers)).toEqual([...EVERY_ANSWER, 'idempotent-replayed'].sort());
    expect((await post(file.service.url, '{"question":"Something else"}', { headers: key })).status).toBe(422);
  });

  it('answers other origins without CORS headers, and refuses other media types, charsets and tokens', async () => {
    const question = '{"question":"What is a fever?"}';
    const crossOrigin = await post(file.service.url, question, { headers: { origin: 'https://elsewhere.example' } });
    expect(crossOrigin.status).toBe(202); // without CORS headers the browser refuses to read it
    expect(crossOrigin.headers['access-control-allow-origin']).toBeUndefined();
    expect((await post(file.service.url, question, { headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const latin1 = { 'content-type': 'application/json; charset=latin1' };
    expect((await post(file.service.url, question, { headers: latin1 })).status).toBe(415);
    expect((await post(file.service.url, question, { headers: { 'content-encoding': 'bogus' } })).status).toBe(415);
    const noToken = await post(file.service.url, question, { headers: { authorization: undefined } });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toBe('Bearer');
    expect(namesOf(noToken.headers)).toEqual([...EVERY_ANSWER, 'www-authenticate'].sort());
    const wrong = await post(file.service.url, question, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
  });

  it('answers 429 with Retry-After past the rate limit, after the body was read', async () => {
    const limited = await startTestService({ databaseUrl: file.db.url, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const question = '{"question":"How much water should I drink?"}';
      expect((await post(limited.url, question)).status).toBe(202);
      expect((await post(limited.url, question, { gzip: true })).status).toBe(202);
      // The body is read before the rate limit: a bad one is a 400, and is not counted.
      expect((await post(limited.url, '{"question":')).status).toBe(400);
      const refused = await post(limited.url, question);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body).toEqual({ error: expect.stringMatching(/Too many questions/) });
      expect(namesOf(refused.headers)).toEqual([...EVERY_ANSWER, 'retry-after'].sort());
    } finally {
      await limited.close();
    }
  });
});

describe('GET /api/chat/:messageId through the chain', () => {
  it('answers a finished message from memory with the same headers, id and metrics as any answer', async () => {
    const { body } = await post(file.service.url, '{"question":"What is a normal body temperature?"}');
    const url = `${file.service.url}/api/chat/${body.messageId}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    await eventually(
      async () => ((await (await fetch(url, { headers: auth })).json()) as { status: string }).status === 'completed',
    );
    const metricsBefore = await scrape(file.service.url);
    const polled = await fetch(url, { headers: { ...auth, 'x-request-id': 'poll-1' } });
    expect(polled.status).toBe(200);
    expect(await polled.json()).toEqual({ status: 'completed', response: expect.any(String) });
    expect(namesOf(polled.headers)).toEqual([...EVERY_ANSWER].sort());
    expect(polled.headers.get('x-request-id')).toBe('poll-1');
    const series = 'medchat_http_requests_total{method="GET",route="/api/chat/:messageId",status="200"}';
    expect(sample(await scrape(file.service.url), series)).toBe(sample(metricsBefore, series) + 1);
    // Cached or not, the token is checked.
    const wrongTokens: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of wrongTokens) {
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(await refused.json()).toEqual({ error: expect.stringMatching(/token/) });
    }
  });
});

describe('logs', () => {
  it('one line per request, of one shape, for a question and a poll', async () => {
    const { service: logged, lines } = await startLoggedService({ databaseUrl: file.db.url, level: 'info' });
    let messageId = '';
    try {
      const asked = await post(logged.url, '{"question":"Can I exercise with a cold?"}', {
        headers: { authorization: undefined, 'x-request-id': 'log-ask' },
      });
      expect(asked.status).toBe(202);
      messageId = String(asked.body.messageId);
      await eventually(async () => {
        const r = await fetch(`${logged.url}/api/chat/${messageId}`, { headers: { 'x-request-id': 'log-poll' } });
        return ((await r.json()) as { status: string }).status === 'completed';
      });
      const metrics = await (await fetch(`${logged.url}/metrics`)).text();
      expect(metrics).toMatch(/medchat_http_requests_total\{method="POST",route="\/api\/chat",status="202"\} 1/);
    } finally {
      await logged.close();
    }
    const keys = ['level', 'time', 'reqId', 'req', 'res', 'responseTime', 'msg'];
    expect(requestLineShape(lines, 'log-ask')).toEqual({
      keys: expect.arrayContaining(keys),
      req: { id: 'log-ask', method: 'POST', path: '/api/chat' },
      res: { status: 202 },
      msg: 'request completed',
    });
    expect(requestLineShape(lines, 'log-poll')).toEqual({
      ...requestLineShape(lines, 'log-ask'),
      req: { id: 'log-poll', method: 'GET', path: `/api/chat/${messageId}` },
      res: { status: 200 },
    });
  });

  it('writes nothing for a client that leaves before sending all of its question, and logs it', async () => {
    const { service: logged, lines } = await startLoggedService({ databaseUrl: file.db.url, level: 'info' });
    const before = await messageCount();
    try {
      await leaveHalfway(logged.url, 'left-plain', { 'content-length': '100' });
      await leaveHalfway(logged.url, 'left-chunked', {});
      await leaveHalfway(logged.url, 'left-utf16', { 'content-type': 'application/json; charset=utf-16le' });
      await eventually(() => ['left-plain', 'left-chunked', 'left-utf16'].every((id) => requestLineShape(lines, id)));
      expect(
        (await post(logged.url, '{"question":"Still there?"}', { headers: { authorization: undefined } })).status,
      ).toBe(202);
    } finally {
      await logged.close();
    }
    expect(await messageCount()).toBe(before + 1);
    const left = requestLineShape(lines, 'left-plain');
    // Answered 400 at once (no one reads it); the line says so.
    expect(left).toMatchObject({ req: { method: 'POST', path: '/api/chat' }, res: { status: 400 } });
    // The body step's own reader and express.json (another charset) log an abandoned body alike.
    for (const id of ['left-chunked', 'left-utf16']) {
      expect(requestLineShape(lines, id)).toEqual({ ...left, req: { id, method: 'POST', path: '/api/chat' } });
    }
  });
});

describe('the HTTP server', () => {
  it("makes express's own request and response objects, so express's per-request prototype switch is a no-op", async () => {
    const app = express();
    const made: unknown[] = [];
    app.get('/', (_req, res) => {
      res.json({ request: made[0] === app.request, response: made[1] === app.response });
    });
    const server = createHttpServer(app);
    // Before express sees them: as node made them.
    server.prependListener('request', (req, res) => made.push(Object.getPrototypeOf(req), Object.getPrototypeOf(res)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      expect(await (await fetch(url)).json()).toEqual({ request: true, response: true });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
