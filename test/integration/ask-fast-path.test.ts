/**
 * The ask fast path answers POST /api/chat before express: for every request it takes, it must
 * answer exactly as express does (status, body, headers), and it must leave everything unusual
 * to express without reading the body.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAskFastPath } from '../../server/http/ask-fast-path.js';
import { createLogger } from '../../server/logger.js';
import { requestLineShape, startLoggedService } from '../helpers/logged-service.js';
import { startTestService, useServiceForFile } from '../helpers/service.js';

const TOKEN = 'ask-fast-path-token-0123456789';
const file = useServiceForFile({ env: { API_TOKEN: TOKEN } });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * POSTs a body to /api/chat. `viaExpress` sends it chunked (no Content-Length), which the fast
 * path leaves to express: the same request, answered by the other path.
 */
function post(
  url: string,
  body: string,
  options: { viaExpress?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...options.headers,
    };
    if (!options.viaExpress) headers['content-length'] = String(Buffer.byteLength(body));
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
    if (options.viaExpress) req.write(body);
    req.end(options.viaExpress ? undefined : body);
  });
}

/** Sends half a question and goes away. */
function leaveHalfway(url: string, requestId: string, viaExpress: boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (!viaExpress) headers['content-length'] = '100';
    const req = http.request(`${url}/api/chat`, { method: 'POST', headers });
    req.on('error', () => undefined);
    req.write('{"question":"half');
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 100);
  });
}

/** Headers that must match; the rest differ by nature (time, id, framing). */
const comparable = (headers: http.IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !['date', 'x-request-id', 'connection', 'keep-alive', 'transfer-encoding'].includes(name),
    ),
  );

/** The fast path's and express's answers to one request, compared; ids in a 202 differ. */
async function bothWays(body: string, headers: Record<string, string> = {}) {
  const fast = await post(file.service.url, body, { headers });
  const express = await post(file.service.url, body, { headers, viaExpress: true });
  expect(fast.status).toBe(express.status);
  expect(comparable(fast.headers)).toEqual(comparable(express.headers));
  const withoutIds = ({ messageId, conversationId, ...rest }: Record<string, unknown>) => ({
    ...rest,
    messageId: typeof messageId,
    conversationId: typeof conversationId,
  });
  expect(withoutIds(fast.body)).toEqual(withoutIds(express.body));
  return fast;
}

describe('ask fast path', () => {
  it('accepts a question exactly as express does', async () => {
    const fast = await bothWays('{"question":"What helps a sore throat?"}');
    expect(fast.status).toBe(202);
    expect(fast.body).toEqual({ messageId: expect.any(String), conversationId: expect.any(String) });
    const urgent = await bothWays(JSON.stringify({ question: 'Crushing chest pain and I cannot breathe' }));
    expect(urgent.body).toMatchObject({ urgent: true, urgentAdvice: expect.stringMatching(/emergency/) });
    // A byte-order mark (a file saved as "UTF-8 with BOM" and sent with curl) is dropped by both.
    expect((await bothWays('\uFEFF{"question":"Saved with a BOM?"}')).status).toBe(202);
  });

  it('continues a conversation, and the answer arrives', async () => {
    const first = await post(file.service.url, '{"question":"I have a fever"}');
    const followUp = await post(
      file.service.url,
      JSON.stringify({ question: 'And for a child?', conversationId: first.body.conversationId }),
    );
    expect(followUp.status).toBe(202);
    expect(followUp.body.conversationId).toBe(first.body.conversationId);
    await expect
      .poll(async () => {
        const r = await fetch(`${file.service.url}/api/chat/${followUp.body.messageId}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        return ((await r.json()) as { status: string }).status;
      })
      .toBe('completed');
  });

  it('refuses bad input exactly as express does, writing nothing', async () => {
    const before = await file.db.query<{ n: string }>('SELECT count(*) AS n FROM messages');
    const refusals: Array<[string, number, Record<string, string>?]> = [
      ['{"question":', 400],
      ['"just a string"', 400],
      ['   ', 400],
      ['', 400],
      ['{}', 400],
      ['{"question":""}', 400],
      [JSON.stringify({ question: 'x'.repeat(5000) }), 400],
      [JSON.stringify({ question: 'A NUL \u0000 here' }), 400],
      [JSON.stringify({ question: 'Hello?', conversationId: 'not-a-uuid' }), 400],
      [JSON.stringify({ question: 'Hello?', conversationId: '00000000-0000-4000-8000-000000000000' }), 404],
      ['{"question":"Hello?"}', 400, { 'idempotency-key': 'x'.repeat(300) }],
    ];
    for (const [body, status, headers] of refusals) {
      const fast = await bothWays(body, headers);
      expect([body, fast.status]).toEqual([body, status]);
      expect(fast.body).toEqual({ error: expect.any(String) });
    }
    const after = await file.db.query<{ n: string }>('SELECT count(*) AS n FROM messages');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('counts a body express.json would refuse as refused before routing, as express does', async () => {
    const count = async (route: string) => {
      const text = await (
        await fetch(`${file.service.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`medchat_http_requests_total{method="POST",route="${route}",status="400"}`));
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    const [refused, routed] = [await count('refused'), await count('/api/chat')];
    expect((await post(file.service.url, '{"question":')).status).toBe(400); // the fast path
    expect((await post(file.service.url, '{"question":""}')).status).toBe(400); // reached the route
    expect([await count('refused'), await count('/api/chat')]).toEqual([refused + 1, routed + 1]);
  });

  it('replays an Idempotency-Key as express does, and refuses its reuse for another question', async () => {
    const key = { 'idempotency-key': 'fast-path-key-1' };
    const first = await post(file.service.url, '{"question":"Is ibuprofen safe?"}', { headers: key });
    const fastReplay = await post(file.service.url, '{"question":"Is ibuprofen safe?"}', { headers: key });
    const expressReplay = await post(file.service.url, '{"question":"Is ibuprofen safe?"}', {
      headers: key,
      viaExpress: true,
    });
    for (const replay of [fastReplay, expressReplay]) {
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    expect(comparable(fastReplay.headers)).toEqual(comparable(expressReplay.headers));
    const reused = await bothWays('{"question":"Something else"}', key);
    expect(reused.status).toBe(422);
  });

  it('leaves to express what it does not take: CORS, other media types, no or a wrong token', async () => {
    const question = '{"question":"What is a fever?"}';
    const crossOrigin = await post(file.service.url, question, { headers: { origin: 'https://elsewhere.example' } });
    expect(crossOrigin.status).toBe(202); // CORS headers are absent: the browser refuses it
    expect(crossOrigin.headers['access-control-allow-origin']).toBeUndefined();
    expect((await post(file.service.url, question, { headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const latin1 = await post(file.service.url, question, {
      headers: { 'content-type': 'application/json; charset=latin1' },
    });
    expect(latin1.status).toBe(415);
    const noToken = await post(file.service.url, question, { headers: { authorization: '' } });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toBe('Bearer');
    expect((await post(file.service.url, question, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(
      401,
    );
  });

  it('declines, without reading the body, every request that is not a plain JSON question', () => {
    const fastPath = createAskFastPath({
      askQuestion: async () => {
        throw new Error('must not be asked');
      },
      rateLimiter: { take: async () => 0 },
      clientAddress: () => '127.0.0.1',
      tokens: { apiToken: TOKEN, monitorToken: undefined },
      metrics: { httpRequest: () => undefined } as never,
      logger: createLogger('silent'),
    });
    const plain = {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'content-length': '20',
    };
    const request = (method: string, url: string, headers: Record<string, string | undefined>) => {
      const req = { method, url, headers, on: () => req, once: () => req, complete: false };
      return req as unknown as http.IncomingMessage;
    };
    const declined: Array<[string, string, Record<string, string | undefined>]> = [
      ['GET', '/api/chat', plain],
      ['POST', '/api/chat/', plain],
      ['POST', '/api/chat?x=1', plain],
      ['POST', '/api/chat', { ...plain, origin: 'http://localhost' }],
      ['POST', '/api/chat', { ...plain, 'content-type': 'text/plain' }],
      ['POST', '/api/chat', { ...plain, 'content-type': 'application/json; charset=utf-16' }],
      ['POST', '/api/chat', { ...plain, 'content-length': undefined, 'transfer-encoding': 'chunked' }],
      ['POST', '/api/chat', { ...plain, 'content-length': String(64 * 1024 + 1) }],
      ['POST', '/api/chat', { ...plain, 'content-encoding': 'gzip' }],
      ['POST', '/api/chat', { ...plain, authorization: undefined }],
      ['POST', '/api/chat', { ...plain, authorization: 'Bearer wrong' }],
    ];
    const res = {} as http.ServerResponse;
    for (const [method, url, headers] of declined) {
      expect([method, url, headers, fastPath(request(method, url, headers), res)]).toEqual([
        method,
        url,
        headers,
        false,
      ]);
    }
    const taken = { ...plain, 'content-type': 'application/json; charset=UTF-8' };
    const res2 = { on: () => res2 } as unknown as http.ServerResponse;
    expect(fastPath(request('POST', '/api/chat', taken), res2)).toBe(true);
  });

  it('counts the rate limit across both paths, and answers 429 as express does', async () => {
    const limited = await startTestService({ databaseUrl: file.db.url, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const question = '{"question":"How much water should I drink?"}';
      expect((await post(limited.url, question)).status).toBe(202);
      expect((await post(limited.url, question, { viaExpress: true })).status).toBe(202);
      const fast = await post(limited.url, question);
      const express = await post(limited.url, question, { viaExpress: true });
      expect(fast.status).toBe(429);
      expect(comparable(fast.headers)).toEqual(comparable(express.headers));
      expect(fast.body).toEqual(express.body);
      expect(fast.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });

  it('logs and counts its answers as express does', async () => {
    const { service: logged, lines } = await startLoggedService({ databaseUrl: file.db.url, level: 'info' });
    try {
      for (const [requestId, viaExpress] of [
        ['ask-fast', false],
        ['ask-express', true],
      ] as const) {
        const r = await post(logged.url, '{"question":"Can I exercise with a cold?"}', {
          headers: { authorization: '', 'x-request-id': requestId },
          viaExpress,
        });
        expect(r.status).toBe(202);
        expect(r.headers['x-request-id']).toBe(requestId);
      }
      const metrics = await (await fetch(`${logged.url}/metrics`)).text();
      expect(metrics).toMatch(/medchat_http_requests_total\{method="POST",route="\/api\/chat",status="202"\} 2/);
    } finally {
      await logged.close();
    }
    expect(requestLineShape(lines, 'ask-fast')).toEqual({
      ...requestLineShape(lines, 'ask-express'),
      req: { id: 'ask-fast', method: 'POST', path: '/api/chat' },
    });
    expect(requestLineShape(lines, 'ask-fast')).toMatchObject({ res: { status: 202 }, msg: 'request completed' });
  });

  it('writes nothing for a client that leaves before sending all of its question, and logs it as express does', async () => {
    const { service: logged, lines } = await startLoggedService({ databaseUrl: file.db.url, level: 'info' });
    try {
      const before = await file.db.query<{ n: string }>('SELECT count(*) AS n FROM messages');
      for (const [requestId, viaExpress] of [
        ['left-fast', false],
        ['left-express', true],
      ] as const) {
        await leaveHalfway(logged.url, requestId, viaExpress);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await file.db.query<{ n: string }>('SELECT count(*) AS n FROM messages');
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
      expect((await post(logged.url, '{"question":"Still there?"}')).status).toBe(202);
    } finally {
      await logged.close();
    }
    expect(requestLineShape(lines, 'left-express')).toBeDefined();
    expect(requestLineShape(lines, 'left-fast')).toEqual({
      ...requestLineShape(lines, 'left-express'),
      req: { id: 'left-fast', method: 'POST', path: '/api/chat' },
    });
  });
});
