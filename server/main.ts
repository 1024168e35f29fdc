/**
 * Entry point: configuration, the database (DATABASE_URL or the embedded one), the service, and
 * signals (shutdown.ts: a graceful close within a deadline). Wiring only.
 */
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded.js';
import { createLogger } from './logger.js';
import { startService } from './service.js';
import { shutdownOnSignal } from './shutdown.js';

dotenv.config({ quiet: true });

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`medchat: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedPostgres.dir,
      port: config.embeddedPostgres.port,
      logger,
    });
  }

  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService({
      config,
      databaseUrl: config.databaseUrl ?? (embedded as EmbeddedDatabase).url,
      logger,
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const shutdown = shutdownOnSignal({ service, embedded, logger, graceMs: config.queue.shutdownGraceMs });
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(`medchat: could not start: ${message}${cause}\n`);
  process.exit(1);
});
