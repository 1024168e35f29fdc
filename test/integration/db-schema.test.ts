/** db/schema.sql is the schema the migrations make: a migration without a regenerated file fails here. */
import fs from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { findPgDump, generateSchemaSql, normalizeDump, SCHEMA_FILE } from '../../scripts/dump-schema.js';

describe('db/schema.sql', () => {
  it('is what the migrations leave (else: run npm run db:schema)', async () => {
    // Without a pg_dump for this server this fails, saying what to install: it never skips.
    const generated = await generateSchemaSql(inject('adminDatabaseUrl'));
    const committed = await fs.readFile(SCHEMA_FILE, 'utf8').catch(() => '(db/schema.sql is missing)');
    expect(committed, 'db/schema.sql is out of date: run npm run db:schema and commit it').toBe(generated);
    expect(generated).toMatch(/CREATE TRIGGER messages_status_inserted/);
    expect(generated).toMatch(/CREATE INDEX messages_unfinished_idx/);
  }, 60_000);

  it('leaves out what changes between dumps and pg_dump versions', () => {
    const dump = [
      '\\restrict abc123',
      '-- Dumped from database version 15.20',
      'SET statement_timeout = 0;',
      "SELECT pg_catalog.set_config('search_path', '', false);",
      '',
      '',
      '',
      'CREATE TABLE public.t (id integer);',
      '\\unrestrict abc123',
    ].join('\n');
    expect(normalizeDump(dump).split('\n').slice(-2)).toEqual(['CREATE TABLE public.t (id integer);', '']);
    expect(normalizeDump(dump)).not.toMatch(/restrict|Dumped|SET |set_config|\n\n\n/);
  });

  it('says what to install when no pg_dump can dump the server', async () => {
    await expect(findPgDump(999)).rejects.toThrow(/needs pg_dump 999 or newer .* postgresql-client-999/);
  });
});
