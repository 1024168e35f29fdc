/**
 * The polling fast path answers finished messages before express: it must answer exactly as
 * express does (status, body, security headers), and leave everything else to express.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
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
    const { messageId } = (await posted.json()) as { messageId: string };
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
    expect(await fast?.json()).toEqual(await viaExpress.json());
    expect(comparable(fast?.headers as Headers)).toEqual(comparable(viaExpress.headers));
    expect(fast?.headers.get('x-request-id')).toBe('poll-1');
    const metrics = await (await fetch(`${service.url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(
      /medchat_http_requests_total\{method="GET",route="\/api\/chat\/:messageId",status="200"\} [2-9]/,
    );
  });

  it('leaves a request without the token to express (401)', async () => {
    const [row] = (await db.query<{ id: string }>("SELECT id FROM messages WHERE status = 'completed' LIMIT 1")).rows;
    const response = await fetch(`${service.url}/api/chat/${row?.id}`);
    expect(response.status).toBe(401);
  });
});
