/**
 * The polling fast path answers finished messages before express: it must answer exactly as
 * express does (status, body, security headers), and leave everything else to express.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { requestLineShape, startLoggedService } from '../helpers/logged-service.js';
import { startTestService } from '../helpers/service.js';

const TOKEN = 'fast-path-token-0123456789';
let db: TestDatabase;
let service: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({ databaseUrl: db.url, env: { API_TOKEN: TOKEN } });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

const auth = { authorization: `Bearer ${TOKEN}` };
/** The finished message of the first test. */
let messageId: string;
const comparable = (headers: Headers) =>
  Object.fromEntries(
    [...headers].filter(([name]) => !['date', 'x-request-id', 'connection', 'keep-alive', 'vary'].includes(name)),
  );

describe('polling fast path', () => {
  it('answers a finished message exactly like express does', async () => {
    const posted = await fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"question":"What is a fever?"}',
    });
    ({ messageId } = (await posted.json()) as { messageId: string });
    let fast: Response | undefined;
    for (let i = 0; i < 200; i++) {
      fast = await fetch(`${service.url}/api/chat/${messageId}`, { headers: { ...auth, 'x-request-id': 'poll-1' } });
      const body = (await fast.clone().json()) as { status: string };
      if (body.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // A same-origin Origin header sends the request through express (CORS is its business).
    const viaExpress = await fetch(`${service.url}/api/chat/${messageId}`, {
      headers: { ...auth, origin: service.url },
    });
    expect(fast?.status).toBe(200);
    const fastBody = await fast?.json();
    expect(fastBody).toMatchObject({ status: 'completed' });
    expect(fastBody).toEqual(await viaExpress.json());
    expect(comparable(fast?.headers as Headers)).toEqual(comparable(viaExpress.headers));
    expect(fast?.headers.get('x-request-id')).toBe('poll-1');
    const metrics = await (await fetch(`${service.url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(
      /medchat_http_requests_total\{method="GET",route="\/api\/chat\/:messageId",status="200"\} [2-9]/,
    );
  });

  it('leaves a request without the right token to express (401), though the answer is cached', async () => {
    expect((await fetch(`${service.url}/api/chat/${messageId}`, { headers: auth })).status).toBe(200);
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of refused) {
      const response = await fetch(`${service.url}/api/chat/${messageId}`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ error: expect.stringMatching(/token/) });
    }
  });

  it('logs its answers as express does: one line with the request id', async () => {
    const { service: logged, lines } = await startLoggedService({ databaseUrl: db.url, level: 'info' });
    try {
      // Polled twice: the first read fills the cache (express), the second is the fast path's.
      for (const requestId of ['poll-express', 'poll-fast']) {
        const r = await fetch(`${logged.url}/api/chat/${messageId}`, { headers: { 'x-request-id': requestId } });
        expect(r.status).toBe(200);
      }
    } finally {
      await logged.close();
    }
    const shape = (requestId: string) => requestLineShape(lines, requestId);
    expect(shape('poll-fast')).toEqual({
      ...shape('poll-express'),
      req: { id: 'poll-fast', method: 'GET', path: `/api/chat/${messageId}` },
    });
    expect(shape('poll-fast')).toMatchObject({ res: { status: 200 }, msg: 'request completed' });
  });
});
