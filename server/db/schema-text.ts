/**
 * The schema of a database as text, read from the catalogs: tables, sequences, indexes,
 * functions and triggers of the public schema, each in a stable order. Used to write
 * db/schema.sql; reading the catalogs instead of running pg_dump means it works wherever the
 * service does (the embedded PostgreSQL ships no pg_dump) and across server versions.
 */
import type { Queryable } from './queryable.js';

const SEQUENCES = `
  SELECT format('CREATE SEQUENCE %I AS %s;', c.relname, format_type(s.seqtypid, NULL)) AS text
    FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' ORDER BY c.relname`;

const COLUMNS = `
  SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname, a.attnum`;

// NOT NULL constraints are catalogued from PostgreSQL 18 on; the column lines already say them.
const CONSTRAINTS = `
  SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND k.contype <> 'n' ORDER BY c.relname, k.conname`;

const INDEXES = `
  SELECT pg_get_indexdef(i.indexrelid) || ';' AS text
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public'
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
   ORDER BY c.relname`;

const FUNCTIONS = `
  SELECT rtrim(pg_get_functiondef(p.oid), E'\\n') || ';' AS text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'public' ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)`;

const TRIGGERS = `
  SELECT pg_get_triggerdef(t.oid) || ';' AS text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY c.relname, t.tgname`;

interface Column {
  table: string;
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
}

async function texts(db: Queryable, sql: string): Promise<string[]> {
  return (await db.query<{ text: string }>(sql)).rows.map((row) => row.text);
}

/** CREATE TABLE statements: columns in their order, then constraints by name. */
async function tables(db: Queryable): Promise<string[]> {
  const columns = (await db.query<Column>(COLUMNS)).rows;
  const constraints = (await db.query<{ table: string; name: string; definition: string }>(CONSTRAINTS)).rows;
  const lines = new Map<string, string[]>();
  for (const c of columns) {
    const parts = [
      `  ${c.name} ${c.type}`,
      c.default === null ? '' : ` DEFAULT ${c.default}`,
      c.not_null ? ' NOT NULL' : '',
    ];
    lines.set(c.table, [...(lines.get(c.table) ?? []), parts.join('')]);
  }
  for (const k of constraints) lines.get(k.table)?.push(`  CONSTRAINT ${k.name} ${k.definition}`);
  return [...lines].map(([table, body]) => `CREATE TABLE ${table} (\n${body.join(',\n')}\n);`);
}

/** The whole schema, section by section, each statement separated by a blank line. */
export async function schemaText(db: Queryable): Promise<string> {
  const sections: Array<[string, string[]]> = [
    ['Sequences', await texts(db, SEQUENCES)],
    ['Tables', await tables(db)],
    ['Indexes', await texts(db, INDEXES)],
    ['Functions', await texts(db, FUNCTIONS)],
    ['Triggers', await texts(db, TRIGGERS)],
  ];
  return sections
    .filter(([, statements]) => statements.length > 0)
    .map(([title, statements]) => `-- ${title}\n\n${statements.join('\n\n')}`)
    .join('\n\n');
}
