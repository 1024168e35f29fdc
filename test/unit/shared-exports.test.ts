/**
 * shared/ exports only what is used: a schema nobody outside shared/ parses with is a comment that
 * can lie. Every exported zod schema in shared/ (a schema, a factory of one, a map of them), and
 * every export of the wire-contract modules, must be imported by name somewhere outside shared/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../server/paths.js';

const SHARED = path.join(PROJECT_ROOT, 'shared');
/** The modules that are the wire contract (the rest of shared/ is the triage). */
const WIRE_MODULES = ['limits.ts', 'rest.ts', 'socket-events.ts', 'socket-names.ts', 'status.ts'];
const USERS = ['server', 'client', 'scripts', 'test', 'bench'];

function tsFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.split(path.sep).includes('node_modules'))
    .map((f) => path.join(dir, f));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
}

/** The names a file outside shared/ imports from modules in shared/. */
function namesImportedFromShared(file: string): string[] {
  const names: string[] = [];
  for (const statement of parse(file).statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier.text);
    if (!target.startsWith(`${SHARED}${path.sep}`)) continue;
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
    if (bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings))) {
      for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
    }
  }
  return names;
}

/** Every name a module exports, values and types, its own and re-exported. */
function exportedNames(file: string): string[] {
  const names: string[] = [];
  for (const statement of parse(file).statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
      continue;
    }
    const exported =
      ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
      }
    } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
      names.push((statement.name as ts.Identifier).text);
    }
  }
  return names;
}

const isSchema = (value: unknown) => value instanceof z.ZodType;
/** A schema, a function named *Schema (a factory of one), or an object of schemas (a map by event). */
function isSchemaExport(name: string, value: unknown): boolean {
  if (isSchema(value)) return true;
  if (typeof value === 'function') return /Schema$/.test(name);
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).length > 0 &&
    Object.values(value).every(isSchema)
  );
}

const used = new Set(
  USERS.flatMap((dir) => tsFilesUnder(path.join(PROJECT_ROOT, dir))).flatMap(namesImportedFromShared),
);

describe('shared/ exports', () => {
  it('every exported schema is used outside shared/', async () => {
    const schemas: string[] = [];
    for (const file of tsFilesUnder(SHARED)) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) if (isSchemaExport(name, value)) schemas.push(name);
    }
    expect(schemas).toContain('messageStateSchema'); // the search finds them
    expect(schemas.filter((name) => !used.has(name))).toEqual([]);
  });

  it('every export of the wire-contract modules is used outside shared/', () => {
    const unused = WIRE_MODULES.flatMap((module) =>
      exportedNames(path.join(SHARED, module))
        .filter((name) => !used.has(name))
        .map((name) => `${module}: ${name}`),
    );
    expect(unused).toEqual([]);
  });

  it('finds what a file imports, types and renamed imports included', () => {
    const sample = path.join(PROJECT_ROOT, 'client', 'src', 'api.ts');
    expect(namesImportedFromShared(sample)).toEqual(expect.arrayContaining(['AskResponse', 'ErrorBody']));
    expect(exportedNames(path.join(SHARED, 'socket-events.ts'))).toEqual(
      expect.arrayContaining(['ackSchemas', 'ServerToClientEvents', 'MONITOR_NAMESPACE']),
    );
  });
});
