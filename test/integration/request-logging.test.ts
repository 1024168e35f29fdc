/**
 * One log line per request, with its id, at a level that follows the status; nothing built for
 * a line below the log level; lines logged through req.log carry the request id.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { startService } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_ENV } from '../helpers/service.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Runs `requests` against a service logging at `level`; returns the parsed lines. */
async function linesOf(level: string, requests: (url: string) => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ ...TEST_ENV, LOG_LEVEL: level });
  const service = await startService({ config, databaseUrl: db.url, logger: createLogger(level, sink) });
  try {
    await requests(service.url);
  } finally {
    await service.close();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const byId = (lines: Record<string, unknown>[], id: string) => lines.filter((l) => l.reqId === id);
const LEVEL = { info: 30, warn: 40, error: 50 };

describe('request logging', () => {
  it('one line per request: info for success, warn for 4xx, path without its query string', async () => {
    const lines = await linesOf('info', async (url) => {
      const ok = await fetch(`${url}/api/statistics?access_token=secret-in-query`, {
        headers: { 'x-request-id': 'log-ok' },
      });
      expect(ok.status).toBe(200);
      const missing = await fetch(`${url}/api/chat/00000000-0000-4000-8000-000000000000`, {
        headers: { 'x-request-id': 'log-404' },
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-request-id')).toBe('log-404');
    });
    expect(byId(lines, 'log-ok')).toEqual([
      expect.objectContaining({
        level: LEVEL.info,
        msg: 'request completed',
        req: { id: 'log-ok', method: 'GET', path: '/api/statistics' },
        res: { status: 200 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(byId(lines, 'log-404')).toEqual([
      expect.objectContaining({ level: LEVEL.warn, res: { status: 404 }, msg: 'request completed' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-in-query');
  });

  it('writes no line below the log level, and still the ones at it', async () => {
    const lines = await linesOf('warn', async (url) => {
      expect((await fetch(`${url}/api/statistics`, { headers: { 'x-request-id': 'quiet-ok' } })).status).toBe(200);
      const bad = await fetch(`${url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'loud-400' },
        body: '{"question": ',
      });
      expect(bad.status).toBe(400);
    });
    expect(byId(lines, 'quiet-ok')).toEqual([]);
    expect(byId(lines, 'loud-400')).toEqual([expect.objectContaining({ level: LEVEL.warn, res: { status: 400 } })]);
  });
});
