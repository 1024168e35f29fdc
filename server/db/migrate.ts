/**
 * Applies the numbered SQL files in db/ in order, each once, each in its own transaction.
 * A transaction-level advisory lock, taken at the start of each, makes concurrent start-ups of
 * several instances safe (the second waits, then finds nothing left to do), and works through a
 * transaction pooler: a session-level lock would stay on whichever server session took it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from './pool.js';
import { inTransaction } from './transaction.js';

const MIGRATION_LOCK_KEY = 7_004_221; // arbitrary, constant: "medchat migrations"
const MIGRATION_FILE = /^(\d+)_[\w-]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => MIGRATION_FILE.test(f));
  const migrations = await Promise.all(
    files.map(async (name) => ({
      version: Number(MIGRATION_FILE.exec(name)?.[1]),
      name,
      sql: await fs.readFile(path.join(dir, name), 'utf8'),
    })),
  );
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new Error(`Two migrations share version ${migrations[i]?.version}`);
    }
  }
  return migrations;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

/**
 * One transaction: takes the lock, applies the first migration not yet applied, and returns it
 * (undefined when none is left). The lock is released by COMMIT or ROLLBACK.
 */
async function applyNext(pool: Pool, migrations: Migration[]): Promise<Migration | undefined> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const next = migrations.find((m) => !done.has(m.version));
    if (!next) return undefined;
    try {
      await client.query(next.sql);
    } catch (error) {
      throw new Error(`Migration ${next.name} failed: ${(error as Error).message}`, { cause: error });
    }
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [next.version, next.name]);
    return next;
  });
}

/** Returns the names of the migrations it applied. */
export async function migrate(pool: Pool, dir: string): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const applied: string[] = [];
  for (let next = await applyNext(pool, migrations); next; next = await applyNext(pool, migrations)) {
    applied.push(next.name);
  }
  return applied;
}
