/** db/schema.sql is the schema the migrations make: a migration without a regenerated file fails here. */
import fs from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { generateSchemaSql, SCHEMA_FILE } from '../../scripts/dump-schema.js';

describe('db/schema.sql', () => {
  it('is what the migrations leave (else: run npm run db:schema)', async () => {
    const generated = await generateSchemaSql(inject('adminDatabaseUrl'));
    const committed = await fs.readFile(SCHEMA_FILE, 'utf8').catch(() => '(db/schema.sql is missing)');
    expect(committed, 'db/schema.sql is out of date: run npm run db:schema and commit it').toBe(generated);
    expect(generated).toMatch(/CREATE TRIGGER messages_status_inserted AFTER INSERT ON public\.messages/);
    expect(generated).toMatch(/CREATE INDEX messages_unfinished_idx ON public\.messages/);
  }, 60_000);
});
