/**
 * The shape of server/ (docs ARCHITECTURE.md, "Composition and layers"), read from the source
 * with the TypeScript compiler:
 * - its folders import each other without a cycle (a file directly in server/ counts on its own);
 * - http/ and realtime/ never import each other, and nothing but the composition (parts/,
 *   service.ts, main.ts) imports either: what both need lives below them;
 * - no function is longer than 80 lines: a longer one is doing two things.
 * Type-only imports count: a type from another layer is a dependency on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/paths.js';

const SERVER = path.join(PROJECT_ROOT, 'server');
const MAX_FUNCTION_LINES = 80;
const EDGES = ['http/', 'realtime/'];
const COMPOSITION = ['parts/', 'service.ts', 'main.ts'];

function serverSources(): ts.SourceFile[] {
  return fs
    .readdirSync(SERVER, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(SERVER, file))
    .map((file) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
}

/** A folder of server/ ('http/'), or a file directly in it ('service.ts'). */
function unitOf(file: string): string {
  const [first, ...rest] = path.relative(SERVER, file).split(path.sep);
  return rest.length > 0 ? `${first}/` : (first ?? '');
}

/** Every module a file names: imports, re-exports, import() calls and import('…') types. */
function specifiersOf(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      if (ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** "from → to" for every import between two units of server/, with the files that make it. */
function unitImports(sources: ts.SourceFile[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const source of sources) {
    for (const specifier of specifiersOf(source)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(source.fileName), specifier);
      if (!target.startsWith(`${SERVER}${path.sep}`)) continue;
      const [from, to] = [unitOf(source.fileName), unitOf(target)];
      if (from === to) continue;
      const key = `${from} → ${to}`;
      edges.set(key, [...(edges.get(key) ?? []), `${path.relative(SERVER, source.fileName)} imports ${specifier}`]);
    }
  }
  return edges;
}

/** A cycle in the graph, as the units along it (first repeated last), or undefined. */
function findCycle(edges: Iterable<string>): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const [from = '', to = ''] = edge.split(' → ');
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const done = new Set<string>();
  const walk = (unit: string, trail: string[]): string[] | undefined => {
    const seen = trail.indexOf(unit);
    if (seen >= 0) return [...trail.slice(seen), unit];
    if (done.has(unit)) return undefined;
    for (const to of next.get(unit) ?? []) {
      const cycle = walk(to, [...trail, unit]);
      if (cycle) return cycle;
    }
    done.add(unit);
    return undefined;
  };
  for (const unit of next.keys()) {
    const cycle = walk(unit, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Imports of http/ or realtime/ from anywhere but the composition or the folder itself. */
function edgeImportsOutsideComposition(edges: Iterable<string>): string[] {
  return [...edges].filter((edge) => {
    const [from = '', to = ''] = edge.split(' → ');
    return EDGES.includes(to) && !COMPOSITION.includes(from);
  });
}

/** Functions (of any kind: declarations, methods, arrows) longer than `max` lines. */
function longFunctions(sources: ts.SourceFile[], max: number): string[] {
  const long: string[] = [];
  for (const source of sources) {
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > max) {
          const name = node.name?.getText(source) ?? '(anonymous)';
          long.push(`${path.relative(SERVER, source.fileName)}:${first + 1} ${name}: ${last - first + 1} lines`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return long;
}

describe('server/ structure', () => {
  const sources = serverSources();
  const edges = unitImports(sources);

  it('reads the imports it judges (the composition imports every layer)', () => {
    expect(sources.length).toBeGreaterThan(50);
    for (const edge of ['parts/ → http/', 'parts/ → realtime/', 'http/ → queue/', 'realtime/ → db/']) {
      expect([...edges.keys()]).toContain(edge);
    }
  });

  it('has no import cycle between its folders', () => {
    const cycle = findCycle(edges.keys());
    const why = cycle?.slice(1).map((to, i) => edges.get(`${cycle[i]} → ${to}`)?.[0]);
    expect(cycle && { cycle: cycle.join(' → '), why }).toBeUndefined();
  });

  it('keeps http/ and realtime/ apart, imported only by the composition', () => {
    const crossing = [...edges.keys()].filter((edge) => edge === 'http/ → realtime/' || edge === 'realtime/ → http/');
    expect(crossing.map((edge) => edges.get(edge))).toEqual([]);
    expect(edgeImportsOutsideComposition(edges.keys()).map((edge) => edges.get(edge))).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(longFunctions(sources, MAX_FUNCTION_LINES)).toEqual([]);
  });

  it('would see a cycle, a crossing and a long function (the checks can fail)', () => {
    expect(findCycle(['a/ → b/', 'b/ → c/', 'c/ → a/', 'c/ → d/'])).toEqual(['a/', 'b/', 'c/', 'a/']);
    expect(findCycle(['a/ → b/', 'b/ → c/', 'a/ → c/'])).toBeUndefined();
    expect(edgeImportsOutsideComposition(['queue/ → http/', 'parts/ → realtime/', 'http/ → db/'])).toEqual([
      'queue/ → http/',
    ]);
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const x${i} = ${i};`).join('\n');
    const long = ts.createSourceFile(
      path.join(SERVER, 'example.ts'),
      `export function long() {\n${body}\n}\nconst short = () => 1;\n`,
      ts.ScriptTarget.Latest,
      true,
    );
    expect(longFunctions([long], MAX_FUNCTION_LINES)).toEqual([`example.ts:1 long: ${MAX_FUNCTION_LINES + 2} lines`]);
  });
});
