/**
 * The gate on the triage evaluation set (test/triage/eval-set.jsonl, lay questions labelled
 * urgent or not): recall at least 95 % and false alarms at most 3 %, overall and in every
 * language. `npm run eval:triage -- --verbose` lists what a failure here misses or raises.
 * And a floor on the held-out set (test/triage/held-out.jsonl), which no change was ever tuned
 * on: it measures how the rules do on wording they were not fitted to, so keep it out of tuning.
 */
import { describe, expect, it } from 'vitest';
import { evaluateTriage, falseAlarmRateOf, HELD_OUT_PATH, readEvalSet, recallOf } from '../../scripts/eval-triage.js';
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

/** Measured when it was added (91.1 % and 5.5 %); the floor allows for a few rows either way. */
const HELD_OUT_MIN_RECALL = 0.88;
const HELD_OUT_MAX_FALSE_ALARMS = 0.07;

describe('held-out set (never tuned on)', () => {
  const evaluation = evaluateTriage(readEvalSet(HELD_OUT_PATH));

  it(`catches at least ${100 * HELD_OUT_MIN_RECALL} % with at most ${100 * HELD_OUT_MAX_FALSE_ALARMS} % false alarms`, () => {
    expect(recallOf(evaluation.overall)).toBeGreaterThanOrEqual(HELD_OUT_MIN_RECALL);
    expect(falseAlarmRateOf(evaluation.overall)).toBeLessThanOrEqual(HELD_OUT_MAX_FALSE_ALARMS);
  });
});
