/**
 * One PostgreSQL server for the whole run: TEST_DATABASE_URL when set (CI: the machine's server),
 * otherwise an embedded one in a temporary folder. Each test file then makes its own database.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/db/embedded.js';
import { createLogger } from '../../server/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const fromEnv = process.env.TEST_DATABASE_URL?.trim();
  if (fromEnv) {
    project.provide('adminDatabaseUrl', fromEnv);
    return;
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'medchat-test-pg-'));
  await fs.chmod(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'data'),
    port: 0,
    logger: createLogger('warn'),
  });
  project.provide('adminDatabaseUrl', embedded.url);
  return async () => {
    await embedded.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
