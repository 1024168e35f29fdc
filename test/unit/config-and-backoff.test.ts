import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { migrate, readMigrations } from '../../server/db/migrate.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';
import { retryDelayMs } from '../../server/queue/backoff.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      llm: { provider: 'mock', temperature: 0.7, maxTokens: 2000, timeoutMs: 60_000, fallback: [] },
      queue: { maxSize: 1000, retryDelayMs: 2000, maxRetries: 3, idleTimeoutMs: 60_000 },
      maxQuestionChars: 4000,
      logLevel: 'info',
      security: { rateLimitPerMinute: 30, trustProxy: false, corsOrigins: [] },
    });
    expect(config.queue.maxWorkers).toBeGreaterThanOrEqual(1);
  });

  it('treats empty values as unset and reads every kind of value', () => {
    const config = loadConfig({
      SERVER_PORT: '',
      MAX_WORKERS: '7',
      RETRY_DELAY: '0.5',
      LLM_FALLBACK: ' openai , mock ',
      OPENAI_API_KEY: 'sk-x',
      TRUST_PROXY: '2',
      CORS_ORIGINS: 'https://a.example/,http://localhost:5173',
    });
    expect(config.port).toBe(8000);
    expect(config.queue.maxWorkers).toBe(7);
    expect(config.queue.retryDelayMs).toBe(500);
    expect(config.llm.fallback).toEqual(['openai', 'mock']);
    expect(config.llm.provider).toBe('openai'); // the first provider with a key
    expect(config.security.trustProxy).toBe(2);
    expect(config.security.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
  });

  it.each([
    [{ QUEUE_MAXSIZE: '-1' }, /QUEUE_MAXSIZE/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL.*one of/],
    [{ LLM_TEMPERATURE: 'hot' }, /LLM_TEMPERATURE/],
    [{ LLM_FALLBACK: 'openai,gemini' }, /LLM_FALLBACK/],
    [{ OPENAI_BASE_URL: 'not a url' }, /OPENAI_BASE_URL/],
    [{ CORS_ORIGINS: 'example.com' }, /CORS_ORIGINS/],
    // Longer questions might not fit in a 64 KiB JSON body.
    [{ MAX_QUESTION_CHARS: '10001' }, /MAX_QUESTION_CHARS.*1 to 10000/],
  ])('rejects %j with a ConfigError naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with jitter between half and all of the step, capped', () => {
    const at = (retry: number, random: number) => retryDelayMs({ retry, baseMs: 1000, random: () => random });
    expect([at(1, 0), at(1, 1)]).toEqual([500, 1000]);
    expect([at(2, 0), at(2, 1)]).toEqual([1000, 2000]);
    expect([at(3, 0), at(3, 1)]).toEqual([2000, 4000]);
    expect(at(20, 1)).toBe(60_000);
  });

  it('honours Retry-After when it is longer than the backoff, not when shorter', () => {
    expect(retryDelayMs({ retry: 1, baseMs: 1000, retryAfterMs: 5000, random: () => 0.5 })).toBe(5000);
    expect(retryDelayMs({ retry: 1, baseMs: 1000, retryAfterMs: 100, random: () => 0.5 })).toBe(750);
  });

  it('caps a very long Retry-After at five minutes, so one provider cannot park a worker for an hour', () => {
    expect(retryDelayMs({ retry: 1, baseMs: 1000, retryAfterMs: 3_600_000, random: () => 0.5 })).toBe(300_000);
  });
});

describe('migrations', () => {
  it('are numbered SQL files read in order', async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    expect(migrations[0]?.name).toBe('001_messages.sql');
    expect(typeof migrate).toBe('function');
  });
});
