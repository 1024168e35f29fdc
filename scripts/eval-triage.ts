/**
 * npm run eval:triage [-- --verbose] [-- --file=PATH | --held-out]: runs the deterministic triage over the
 * labelled evaluation set (test/triage/eval-set.jsonl) and prints recall and false-alarm rate
 * overall, per category and per language; --verbose lists every miss and false alarm, each with
 * the phrases found in it and how they were read (present, past, negated…).
 * The evaluation itself (`evaluateTriage`) is shared with the test that gates on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { PROJECT_ROOT } from '../server/paths.js';
import { explain } from '../shared/triage/engine.js';
import { TRIAGE_CATEGORIES, TRIAGE_LANGUAGES, triage } from '../shared/triage/index.js';

export const EVAL_SET_PATH = path.join(PROJECT_ROOT, 'test', 'triage', 'eval-set.jsonl');
/** Questions no change was tuned on: `--held-out` reads them (look at their misses and they stop being held out). */
export const HELD_OUT_PATH = path.join(PROJECT_ROOT, 'test', 'triage', 'held-out.jsonl');

const rowSchema = z.object({
  id: z.string().optional(),
  text: z.string(),
  lang: z.enum(TRIAGE_LANGUAGES),
  urgent: z.boolean(),
  category: z.enum(TRIAGE_CATEGORIES).optional(),
  kind: z.string().optional(),
});
export type EvalRow = z.infer<typeof rowSchema>;

export function readEvalSet(file = EVAL_SET_PATH): EvalRow[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = rowSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Urgent rows flagged, and calm rows flagged, for one slice of the set. */
export interface Tally {
  urgent: number;
  caught: number;
  calm: number;
  falseAlarms: number;
}

export interface Outcome {
  row: EvalRow;
  raised: string[];
  /** An urgent row left unflagged, or a calm row flagged. */
  wrong: boolean;
}

export interface Evaluation {
  overall: Tally;
  byLanguage: Map<string, Tally>;
  /** Urgent rows by their labelled category; `sameCategory` counts those raised with that category. */
  byCategory: Map<string, Tally & { sameCategory: number }>;
  /** Which categories the false alarms raised. */
  falseAlarmCategories: Map<string, number>;
  outcomes: Outcome[];
}

const emptyTally = (): Tally => ({ urgent: 0, caught: 0, calm: 0, falseAlarms: 0 });

function count(tally: Tally, row: EvalRow, flagged: boolean): void {
  if (row.urgent) {
    tally.urgent++;
    if (flagged) tally.caught++;
  } else {
    tally.calm++;
    if (flagged) tally.falseAlarms++;
  }
}

export function evaluateTriage(rows: readonly EvalRow[]): Evaluation {
  const result: Evaluation = {
    overall: emptyTally(),
    byLanguage: new Map(),
    byCategory: new Map(),
    falseAlarmCategories: new Map(),
    outcomes: [],
  };
  for (const row of rows) {
    const { urgent, categories } = triage(row.text);
    count(result.overall, row, urgent);
    const language = result.byLanguage.get(row.lang) ?? emptyTally();
    count(language, row, urgent);
    result.byLanguage.set(row.lang, language);
    if (row.urgent && row.category) {
      const slice = result.byCategory.get(row.category) ?? { ...emptyTally(), sameCategory: 0 };
      count(slice, row, urgent);
      if (categories.includes(row.category)) slice.sameCategory++;
      result.byCategory.set(row.category, slice);
    }
    if (!row.urgent) {
      for (const c of categories) result.falseAlarmCategories.set(c, (result.falseAlarmCategories.get(c) ?? 0) + 1);
    }
    result.outcomes.push({ row, raised: categories, wrong: row.urgent !== urgent });
  }
  return result;
}

export const recallOf = (t: Tally) => (t.urgent === 0 ? 1 : t.caught / t.urgent);
export const falseAlarmRateOf = (t: Tally) => (t.calm === 0 ? 0 : t.falseAlarms / t.calm);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function line(name: string, t: Tally, extra = ''): string {
  const recall = `recall ${pct(recallOf(t))} (${t.caught}/${t.urgent})`;
  const alarms = t.calm > 0 ? `false alarms ${pct(falseAlarmRateOf(t))} (${t.falseAlarms}/${t.calm})` : '';
  return `  ${name.padEnd(28)} ${recall.padEnd(28)} ${alarms}${extra}`;
}

function report(e: Evaluation, verbose: boolean): string {
  const out: string[] = [
    `Triage evaluation: ${e.outcomes.length} questions`,
    line('overall', e.overall),
    '',
    'Per language:',
  ];
  for (const language of TRIAGE_LANGUAGES) {
    const t = e.byLanguage.get(language);
    if (t) out.push(line(language, t));
  }
  out.push('', 'Per category (urgent questions labelled with it; "as category": raised with that category):');
  for (const category of TRIAGE_CATEGORIES) {
    const t = e.byCategory.get(category);
    if (t) out.push(line(category, t, `  as category ${t.sameCategory}/${t.urgent}`));
  }
  const alarms = [...e.falseAlarmCategories].sort((a, b) => b[1] - a[1]);
  out.push('', `False alarms by category raised: ${alarms.map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  if (verbose) {
    out.push('', 'Misses:');
    for (const o of e.outcomes.filter((x) => x.wrong && x.row.urgent)) {
      out.push(`  [${o.row.id ?? ''} ${o.row.lang} ${o.row.category ?? ''} ${o.row.kind ?? ''}] ${o.row.text}`);
      out.push(`      read: ${explain(o.row.text, o.row.lang).join(' ')}`);
    }
    out.push('', 'False alarms:');
    for (const o of e.outcomes.filter((x) => x.wrong && !x.row.urgent)) {
      out.push(`  [${o.row.id ?? ''} ${o.row.lang} ${o.row.kind ?? ''}] → ${o.raised.join(', ')}: ${o.row.text}`);
      out.push(`      read: ${explain(o.row.text, o.row.lang).join(' ')}`);
    }
  }
  return out.join('\n');
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const file = process.argv.includes('--held-out')
    ? HELD_OUT_PATH
    : process.argv.find((a) => a.startsWith('--file='))?.slice('--file='.length);
  console.log(report(evaluateTriage(readEvalSet(file)), verbose));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
