/** Issue 7, security: tokens, rate limits, CSP and other headers, CORS and socket origins, logs. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { errorHandler } from '../../server/http/errors.js';
import { createLogger } from '../../server/logger.js';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, jsonOf } from '../helpers/http.js';
import { startLoggedService } from '../helpers/logged-service.js';
import { startTestService } from '../helpers/service.js';
import { openSocket } from '../helpers/socket.js';

const API_TOKEN = 'api-token-0123456789abcdef';
const MONITOR_TOKEN = 'monitor-token-0123456789abcdef';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function socketOutcome(url: string, options: Parameters<typeof openSocket>[1]): Promise<'connected' | string> {
  const socket = openSocket(url, { reconnection: false, ...options });
  try {
    return await new Promise((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
  } finally {
    socket.close();
  }
}

describe('tokens', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startTestService({ databaseUrl: db.url, env: { API_TOKEN, MONITOR_TOKEN } });
  });
  afterAll(async () => service?.close());

  /** The status of a request, its body dropped (the streams never end by themselves). */
  const statusOf = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${service.url}${path}`, init);
    await response.body?.cancel();
    return response.status;
  };
  /** A question asked with the API token; its message id. */
  const askWithToken = async (question: string) => {
    const posted = await fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(API_TOKEN) },
      body: JSON.stringify({ question }),
    });
    return (await jsonOf(posted, 'POST')).messageId as string;
  };

  it('guards REST with API_TOKEN, but not /health or the web app', async () => {
    for (const [path, init] of [
      ['/api/statistics', {}],
      ['/api/chat/00000000-0000-4000-8000-000000000000', {}],
      ['/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"hi"}' }],
    ] as const) {
      const missing = await fetch(`${service.url}${path}`, init);
      expect(missing.status, path).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(await jsonOf(missing, 'method' in init ? init.method : 'GET')).toEqual({
        error: expect.stringMatching(/token/),
      });
      const wrong = await fetch(`${service.url}${path}`, {
        ...init,
        headers: { ...('headers' in init ? init.headers : {}), ...bearer(`${API_TOKEN}x`) },
      });
      expect(wrong.status, path).toBe(401);
    }
    expect((await fetch(`${service.url}/api/statistics`, { headers: bearer(API_TOKEN) })).status).toBe(200);
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    expect((await fetch(`${service.url}/`)).status).not.toBe(401);
  });

  it('cannot be side-stepped by spelling a path the way the router still matches it', async () => {
    // express routes ignore case and a trailing slash: /METRICS/ reaches the /metrics handler.
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"hi"}' };
    const variants = (path: string) => [path, path.toUpperCase(), `${path}/`, `${path.toUpperCase()}/`, `/${path}`];
    for (const path of ['/metrics', '/api/statistics/stream']) {
      for (const variant of variants(path)) {
        expect(await statusOf(variant), variant).not.toBe(200);
        expect(await statusOf(variant, { headers: bearer(API_TOKEN) }), `${variant} with the API token`).not.toBe(200);
      }
    }
    for (const variant of [
      ...variants('/api/statistics'),
      ...variants('/api/chat/00000000-0000-4000-8000-000000000000'),
    ]) {
      expect(await statusOf(variant), variant).toBe(401);
    }
    const before = await db.query('SELECT count(*)::int AS n FROM messages');
    for (const variant of variants('/api/chat')) expect(await statusOf(variant, post), `POST ${variant}`).toBe(401);
    expect((await db.query('SELECT count(*)::int AS n FROM messages')).rows).toEqual(before.rows);
    // The variants do reach the handlers once the token is right.
    expect(await statusOf('/METRICS/', { headers: bearer(MONITOR_TOKEN) })).toBe(200);
    expect(await statusOf('/Api/Statistics/', { headers: bearer(API_TOKEN) })).toBe(200);
  });

  it('answers 401 for a finished message polled without the right token, though its answer is cached', async () => {
    const messageId = await askWithToken('polled');
    await eventually(async () => {
      const r = await fetch(`${service.url}/api/chat/${messageId}`, { headers: bearer(API_TOKEN) });
      return (await jsonOf(r)).status === 'completed';
    });
    for (const headers of [{}, bearer(`${API_TOKEN}x`), bearer(MONITOR_TOKEN), { authorization: API_TOKEN }]) {
      const response = await fetch(`${service.url}/api/chat/${messageId}`, { headers });
      expect(response.status).toBe(401);
      expect(await jsonOf(response)).toEqual({ error: expect.stringMatching(/token/) });
    }
  });

  it('writes nothing for an unauthorized question', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM messages');
    await fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"question":"hi"}',
    });
    expect((await db.query('SELECT count(*)::int AS n FROM messages')).rows).toEqual(before.rows);
  });

  it('guards /metrics and the statistics stream with MONITOR_TOKEN (the API token is not enough)', async () => {
    for (const path of ['/metrics', '/api/statistics/stream']) {
      expect((await fetch(`${service.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${service.url}${path}`, { headers: bearer(API_TOKEN) })).status, path).toBe(401);
    }
    expect((await fetch(`${service.url}/metrics`, { headers: bearer(MONITOR_TOKEN) })).status).toBe(200);
    const stream = await fetch(`${service.url}/api/statistics/stream?access_token=${MONITOR_TOKEN}`);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });

  it('takes ?access_token= only on the two Server-Sent Events routes (EventSource cannot send headers)', async () => {
    const messageId = await askWithToken('a token in a URL');
    const refused = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${service.url}${path}`, init);
      expect(response.status, path).toBe(401);
      expect(await jsonOf(response, init.method), path).toEqual({
        error: expect.stringMatching(/only for Server-Sent Events/),
      });
    };
    const api = `access_token=${API_TOKEN}`;
    const monitor = `access_token=${MONITOR_TOKEN}`;
    // The two EventSource routes, also as the router still matches them.
    for (const path of [`/api/chat/${messageId}/events?${api}`, `/API/Chat/${messageId}/Events/?${api}`]) {
      expect(await statusOf(path), path).toBe(200);
    }
    for (const path of [`/api/statistics/stream?${monitor}`, `/Api/Statistics/Stream/?${monitor}`]) {
      expect(await statusOf(path), path).toBe(200);
    }
    expect(await statusOf(`/api/chat/${messageId}/events?access_token=${API_TOKEN}x`)).toBe(401);
    // Everywhere else a token in the URL counts for nothing.
    const before = await db.query('SELECT count(*)::int AS n FROM messages');
    for (const [path, init] of [
      [`/api/statistics?${api}`, {}],
      [`/api/chat/${messageId}?${api}`, {}],
      [`/API/CHAT/${messageId}/?${api}`, {}],
      [`/api/conversations/00000000-0000-4000-8000-000000000000?${api}`, {}],
      [`/api/chat/${messageId}/cancel?${api}`, { method: 'POST' }],
      [
        `/api/chat?${api}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"x"}' },
      ],
      [`/metrics?${monitor}`, {}],
      [`/api/chat/${messageId}/events/extra?${api}`, {}],
    ] as const) {
      await refused(path, init);
    }
    expect((await db.query('SELECT count(*)::int AS n FROM messages')).rows).toEqual(before.rows);
    // The header still works beside a stray query token.
    expect(await statusOf(`/api/statistics?${api}`, { headers: bearer(API_TOKEN) })).toBe(200);
  });

  it('guards the sockets: auth.token on /, the monitor token on /monitor', async () => {
    expect(await socketOutcome(service.url, {})).toMatch(/unauthorized/);
    expect(await socketOutcome(service.url, { auth: { token: 'wrong' } })).toMatch(/unauthorized/);
    expect(await socketOutcome(service.url, { auth: { token: API_TOKEN } })).toBe('connected');
    expect(await socketOutcome(`${service.url}/monitor`, { auth: { token: API_TOKEN } })).toMatch(/unauthorized/);
    expect(await socketOutcome(`${service.url}/monitor`, { auth: { token: MONITOR_TOKEN } })).toBe('connected');
  });

  it('falls back to API_TOKEN for monitoring when no MONITOR_TOKEN is set', async () => {
    const only = await startTestService({ databaseUrl: db.url, env: { API_TOKEN } });
    try {
      expect((await fetch(`${only.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${only.url}/metrics`, { headers: bearer(API_TOKEN) })).status).toBe(200);
      expect(await socketOutcome(`${only.url}/monitor`, {})).toMatch(/unauthorized/);
      expect(await socketOutcome(`${only.url}/monitor`, { auth: { token: API_TOKEN } })).toBe('connected');
    } finally {
      await only.close();
    }
  });

  it('refuses weak tokens at start-up without echoing them', () => {
    expect(() => loadConfig({ API_TOKEN: 'short-secret' })).toThrow(/^Invalid API_TOKEN: must be at least 16/);
    expect(() => loadConfig({ API_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE, per client address, REST and socket alike', async () => {
    const service = await startTestService({
      databaseUrl: db.url,
      env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'loopback' },
    });
    try {
      const ask = (forwardedFor: string) =>
        fetch(`${service.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: '{"question":"How do I treat a burn?"}',
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await ask('203.0.113.7')).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
      const limited = await ask('203.0.113.7');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await jsonOf(limited, 'POST')).toEqual({ error: expect.stringMatching(/Too many questions/) });
      // Behind the trusted proxy, another client address has its own allowance.
      expect((await ask('198.51.100.9')).status).toBe(202);

      const socket = openSocket(service.url, { extraHeaders: { 'x-forwarded-for': '203.0.113.7' } });
      try {
        expect(await socket.emitWithAck('ask', { question: 'and over the socket?' })).toEqual({
          error: expect.stringMatching(/Too many questions/),
        });
      } finally {
        socket.close();
      }
    } finally {
      await service.close();
    }
  });
});

describe('rate limit without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For: a client cannot pick a new address to ask more', async () => {
    const service = await startTestService({ databaseUrl: db.url, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const ask = (forwardedFor: string) =>
        fetch(`${service.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: '{"question":"How long does a cold last?"}',
        });
      const statuses = [];
      for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) {
        statuses.push((await ask(address)).status);
      }
      expect(statuses).toEqual([202, 202, 429, 429]);
      const socket = openSocket(service.url, { extraHeaders: { 'x-forwarded-for': '198.51.100.77' } });
      try {
        expect(await socket.emitWithAck('ask', { question: 'and a fresh address on the socket?' })).toEqual({
          error: expect.stringMatching(/Too many questions/),
        });
      } finally {
        socket.close();
      }
    } finally {
      await service.close();
    }
  });
});

describe('browser protections', () => {
  let service: Service;
  const allowed = 'https://app.example.com';
  beforeAll(async () => {
    service = await startTestService({ databaseUrl: db.url, env: { CORS_ORIGINS: `${allowed}/` } });
  });
  afterAll(async () => service?.close());

  it('sends a Content-Security-Policy without inline script, and the usual hardening headers', async () => {
    const response = await fetch(`${service.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('allows CORS only for CORS_ORIGINS', async () => {
    const preflight = (origin: string) =>
      fetch(`${service.url}/api/chat`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect((await preflight(allowed)).headers.get('access-control-allow-origin')).toBe(allowed);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses socket handshakes from other sites, accepts its own origin and allowed ones', async () => {
    const host = new URL(service.url).host;
    expect(await socketOutcome(service.url, { extraHeaders: { origin: 'https://evil.example' } })).not.toBe(
      'connected',
    );
    expect(await socketOutcome(service.url, { extraHeaders: { origin: `http://${host}` } })).toBe('connected');
    expect(await socketOutcome(service.url, { extraHeaders: { origin: allowed } })).toBe('connected');
  });

  it('drops an oversized socket packet by closing only that socket', async () => {
    const big = openSocket(service.url, { reconnection: false });
    const bystander = openSocket(service.url);
    await Promise.all([big, bystander].map((s) => new Promise((r) => s.once('connect', () => r(undefined)))));
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.emit('ask', { question: 'x'.repeat(200_000) });
    expect(await closed).toMatch(/transport/);
    expect(await bystander.emitWithAck('subscribe', { messageId: 'nope' })).toEqual({ error: expect.any(String) });
    bystander.close();
  });
});

describe('errors', () => {
  it('never carry a stack trace, a key or the error text to the client, whatever was thrown', async () => {
    const app = express();
    app.use(express.json({ limit: 100 }));
    const thrown: Record<string, () => unknown> = {
      error: () => new Error('OPENAI_API_KEY=sk-live-secret rejected at /app/server/x.ts:12'),
      string: () => 'sk-live-secret',
      status500: () => Object.assign(new Error('sk-live-secret'), { status: 500, expose: true }),
    };
    app.all('/throw/:kind', (req) => {
      throw thrown[String(req.params.kind)]?.();
    });
    app.use(errorHandler(createLogger('silent')));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const kind of Object.keys(thrown)) {
        const response = await fetch(`${base}/throw/${kind}`);
        expect(response.status, kind).toBe(500);
        expect(await response.text(), kind).toBe('{"error":"Internal server error."}');
      }
      const post = (body: string) =>
        fetch(`${base}/throw/error`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const malformed = await post('{"question":');
      expect([malformed.status, await jsonOf(malformed, 'POST')]).toEqual([
        400,
        { error: 'The request body is not valid JSON.' },
      ]);
      const large = await post(JSON.stringify({ question: 'x'.repeat(200) }));
      expect(large.status).toBe(413);
      expect(await jsonOf(large, 'POST')).toEqual({ error: expect.stringMatching(/too large/) });
    } finally {
      server.close();
    }
  });
});

describe('logs', () => {
  it('never hold question or answer text, tokens or keys, and carry a request id', async () => {
    // The production logger (its redaction included), its lines kept.
    const { service, lines } = await startLoggedService({
      databaseUrl: db.url,
      level: 'trace',
      env: { API_TOKEN, OPENAI_API_KEY: 'sk-secret-key-abcdef' },
    });
    try {
      const question = 'My secret symptom is zebra-striped toenails';
      const response = await fetch(`${service.url}/api/chat?access_token=${API_TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123', ...bearer(API_TOKEN) },
        body: JSON.stringify({ question }),
      });
      expect(response.headers.get('x-request-id')).toBe('req-abc-123');
      const { messageId } = await jsonOf(response, 'POST');
      await eventually(async () => {
        const r = await fetch(`${service.url}/api/chat/${messageId}`, { headers: bearer(API_TOKEN) });
        return (await jsonOf(r)).status === 'completed';
      });
    } finally {
      await service.close();
    }
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(all).not.toContain('zebra');
    expect(all).not.toContain(API_TOKEN);
    expect(all).not.toContain('sk-secret-key');
    expect(all).not.toContain('Paracetamol'); // the mock's answer text
    expect(lines.filter((l) => l.includes('req-abc-123')).join('\n')).toMatch(/"id":"req-abc-123"/);
  });
});
