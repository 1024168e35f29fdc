import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../server/db/migrate.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe('migrate', () => {
  it('applies each migration once, also when several instances start at the same moment', async () => {
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: db.url, max: 2 }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool, MIGRATIONS_DIR)));
      const all = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
      expect(applied.flat().sort()).toEqual(all.sort()); // each applied by exactly one of them
      const rows = await db.query('SELECT name FROM schema_migrations ORDER BY version');
      expect(rows.rows.map((r) => r.name)).toEqual(all);
      expect(await migrate(pools[0] as pg.Pool, MIGRATIONS_DIR)).toEqual([]); // nothing left
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
