/** Starts MedChat in this process against a test database, with test-friendly settings. */
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import type { LlmProvider } from '../../server/providers/types.js';
import { type Service, startService } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_ENV: Record<string, string> = {
  SERVER_PORT: '0',
  HOST: '127.0.0.1',
  LLM_PROVIDER: 'mock',
  // Tests ask far more than 30 questions a minute from one address; the limit has its own tests.
  RATE_LIMIT_PER_MINUTE: '0',
  MOCK_LATENCY_MS: '20',
  RETRY_DELAY: '0.01',
  WORKER_LEASE_SECONDS: '2',
  SWEEP_INTERVAL_SECONDS: '0.5',
  SHUTDOWN_GRACE_SECONDS: '2',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
};

export async function startTestService(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  provider?: LlmProvider;
  /** The built web app to serve (browser tests). */
  clientDir?: string;
}): Promise<Service> {
  const config = loadConfig({ ...TEST_ENV, ...options.env });
  return startService({
    config,
    databaseUrl: options.databaseUrl,
    logger: createLogger(config.logLevel),
    provider: options.provider,
    clientDir: options.clientDir,
  });
}

/**
 * The usual set-up of a test file: a fresh database and one service on it for all its tests,
 * closed and dropped at the end. Read `.service` and `.db` inside tests (they exist once
 * beforeAll ran).
 */
export function useServiceForFile(options: { env?: Record<string, string> } = {}): {
  readonly service: Service;
  readonly db: TestDatabase;
} {
  let db: TestDatabase | undefined;
  let service: Service | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startTestService({ databaseUrl: db.url, env: options.env });
  });
  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });
  return {
    get service() {
      if (!service) throw new Error('the service starts in beforeAll');
      return service;
    },
    get db() {
      if (!db) throw new Error('the database is made in beforeAll');
      return db;
    },
  };
}
