/**
 * The gate on the triage evaluation set (test/triage/eval-set.jsonl, lay questions labelled
 * urgent or not): recall at least 95 % and false alarms at most 3 %, overall and in every
 * language. `npm run eval:triage -- --verbose` lists what a failure here misses or raises.
 */
import { describe, expect, it } from 'vitest';
import { evaluateTriage, falseAlarmRateOf, readEvalSet, recallOf } from '../../scripts/eval-triage.js';
import { TRIAGE_LANGUAGES } from '../../shared/triage/index.js';

const MIN_RECALL = 0.95;
const MAX_FALSE_ALARMS = 0.03;

describe('triage evaluation set', () => {
  const rows = readEvalSet();
  const evaluation = evaluateTriage(rows);

  it('has at least 400 questions, about half urgent, in every language', () => {
    expect(rows.length).toBeGreaterThanOrEqual(400);
    const urgentShare = rows.filter((r) => r.urgent).length / rows.length;
    expect(urgentShare).toBeGreaterThan(0.35);
    expect(urgentShare).toBeLessThan(0.65);
    for (const language of TRIAGE_LANGUAGES)
      expect(evaluation.byLanguage.get(language)?.urgent ?? 0).toBeGreaterThan(0);
  });

  it(`catches at least ${100 * MIN_RECALL} % of emergencies with at most ${100 * MAX_FALSE_ALARMS} % false alarms overall`, () => {
    expect(recallOf(evaluation.overall)).toBeGreaterThanOrEqual(MIN_RECALL);
    expect(falseAlarmRateOf(evaluation.overall)).toBeLessThanOrEqual(MAX_FALSE_ALARMS);
  });

  it.each(TRIAGE_LANGUAGES)('holds the same thresholds in %s', (language) => {
    const tally = evaluation.byLanguage.get(language);
    expect(tally).toBeDefined();
    if (!tally) return;
    expect(recallOf(tally)).toBeGreaterThanOrEqual(MIN_RECALL);
    expect(falseAlarmRateOf(tally)).toBeLessThanOrEqual(MAX_FALSE_ALARMS);
  });
});
