/**
 * The red-flag check: a table of questions with the categories they must (or must not) raise.
 * Known misses — cases it gets wrong today that we chose not to chase — are kept in their own
 * table, asserting the current (wrong) answer, so that a fix flips them on purpose.
 */
import { describe, expect, it } from 'vitest';
import { detectRedFlags, RED_FLAG_CATEGORIES, type RedFlagCategory, URGENT_ADVICE } from '../../shared/red-flags.js';

type Case = [question: string, categories: RedFlagCategory[]];

const CASES: Case[] = [
  // cardiac
  ['I have crushing chest pain spreading to my left arm', ['cardiac']],
  ['Chest pain and I am short of breath', ['cardiac']],
  ['my chest feels tight and im sweating a lot', ['cardiac']],
  ['Severe chest pressure, clammy and nauseous', ['cardiac']],
  ['I think I am having a heart attack', ['cardiac']],
  ['no fever but crushing chest pain and sweating', ['cardiac']],
  ['Pain in my chest going down to my jaw', ['cardiac']],
  ['No chest pain, just a runny nose', []],
  ["I don't have chest pain or shortness of breath, only a cough", []],
  ['chest pain when I cough with a cold, no breathlessness', []],
  ['How can I prevent heart attacks?', []],
  ['What are the warning signs of a heart attack?', []],
  ['My dad had a heart attack years ago, should I get checked?', []],
  ['I get out of breath when I run', []],
  // stroke
  ["My mum's face is drooping on one side and her speech is slurred", ['stroke']],
  ['Sudden weakness in my left arm', ['stroke']],
  ['he suddenly cant speak properly and his arm is numb', ['stroke']],
  ['I think my husband is having a stroke', ['stroke']],
  ['What is a stroke?', []],
  ['My grandfather had a stroke years ago', []],
  ['How do I lower my risk of stroke?', []],
  ['My arm is sore after the gym', []],
  // suicide or self-harm
  ['I want to kill myself', ['suicide-or-self-harm']],
  ["I've been having suicidal thoughts", ['suicide-or-self-harm']],
  ["I don't want to live anymore", ['suicide-or-self-harm']],
  ['I keep cutting myself when I am stressed', ['suicide-or-self-harm']],
  ['Everyone would be better off dead without me', ['suicide-or-self-harm']],
  ['I am not suicidal, just tired all the time', []],
  ['I have never had thoughts of killing myself', []],
  ['What are the warning signs of suicide in teenagers?', []],
  // anaphylaxis
  ['My throat is swelling after a bee sting', ['anaphylaxis']],
  ['I ate peanuts and my tongue is swelling and I can\u2019t breathe', ['anaphylaxis']],
  ['my lips are swollen after taking penicillin', ['anaphylaxis']],
  ['Should I use my EpiPen? I ate shellfish', ['anaphylaxis']],
  ['No throat swelling, just an itchy rash after the bee sting', []],
  ['What is anaphylaxis and how do I prevent it?', []],
  // severe bleeding
  ['Bleeding that won\u2019t stop after a fall', ['severe-bleeding']],
  ["The cut on my hand won't stop bleeding", ['severe-bleeding']],
  ['Blood is spurting from the wound', ['severe-bleeding']],
  ['The bandage is soaked through with blood', ['severe-bleeding']],
  ['I am vomiting blood', ['severe-bleeding']],
  ['A small cut, bleeding stopped after a minute', []],
  // overdose or poisoning
  ['I took too many paracetamol tablets', ['overdose-or-poisoning']],
  ['My toddler swallowed a button battery', ['overdose-or-poisoning']],
  ['My son drank bleach', ['overdose-or-poisoning']],
  ['I think I overdosed on my sleeping pills', ['overdose-or-poisoning']],
  ['Took a whole bottle of ibuprofen', ['overdose-or-poisoning']],
  ['What is the maximum dose of ibuprofen?', []],
  ['I did not take too many pills, I took the normal dose', []],
  // unresponsive
  ["My baby won't wake up and is floppy", ['unresponsive']],
  ['My child is unresponsive', ['unresponsive']],
  ["My daughter is having a seizure that won't stop", ['unresponsive']],
  ['My husband is unconscious on the floor', ['unresponsive']],
  ['My baby sleeps a lot, is that normal?', []],
  // severe breathing difficulty
  ["I can't breathe", ['severe-breathing-difficulty']],
  ['cant breath', ['severe-breathing-difficulty']],
  ['My child is gasping for air', ['severe-breathing-difficulty']],
  ['His lips are turning blue', ['severe-breathing-difficulty']],
  ['I can breathe fine, no problems at all', []],
  // combinations and ordinary questions
  ['Chest pain and sweating, and I took too many pills', ['cardiac', 'overdose-or-poisoning']],
  ['What helps against a tension headache?', []],
  ['Is it safe to take ibuprofen with a cold?', []],
  ['How much water should I drink a day?', []],
  ['I have a mild fever and a sore throat', []],
  ['CHEST PAIN AND SHORT OF BREATH!!!', ['cardiac']],
];

/**
 * Known misses: wrong today, on purpose left. Each asserts the current answer; the comment says
 * what it should be and why it is not fixed.
 */
const KNOWN_MISSES: Array<[question: string, current: RedFlagCategory[], why: string]> = [
  [
    'My leg is bleeding and it will not stop',
    [],
    'Should be severe-bleeding: "it will not stop" refers back to the bleeding; the check does not resolve pronouns.',
  ],
  [
    'I feel like there is an elephant sitting on my chest and I am sweating',
    [],
    'Should be cardiac: figurative descriptions of chest pressure are not in the phrase list.',
  ],
  [
    'Thinking about ending things',
    [],
    'Should be suicide-or-self-harm: "ending things" is too ambiguous to match without many false positives.',
  ],
  [
    'My friend says he is suicidal, what should I do if he tries something?',
    [],
    'Debatable, arguably urgent: "what should I do if" marks the clause as hypothetical and drops it.',
  ],
];

describe('detectRedFlags', () => {
  it.each(CASES)('%s → %j', (question, categories) => {
    expect(detectRedFlags(question).categories).toEqual(categories);
  });

  it.each(KNOWN_MISSES)('known miss: %s (currently %j)', (question, current) => {
    expect(detectRedFlags(question).categories).toEqual(current);
  });

  it('has at least 60 cases, positive and negative, in every category', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(CASES.filter(([, c]) => c.length === 0).length).toBeGreaterThanOrEqual(20);
    for (const category of RED_FLAG_CATEGORIES) {
      expect(
        CASES.some(([, c]) => c.includes(category)),
        category,
      ).toBe(true);
    }
  });

  it('gives advice exactly when urgent, telling the person to call for help', () => {
    for (const [question] of CASES) {
      const result = detectRedFlags(question);
      expect(result.urgent).toBe(result.categories.length > 0);
      if (result.urgent) {
        expect(result.advice).toMatch(/emergency|crisis/i);
        for (const category of result.categories) expect(result.advice).toContain(URGENT_ADVICE[category]);
      } else {
        expect(result.advice).toBeUndefined();
      }
    }
  });

  it('is fast on long input (linear, no catastrophic backtracking)', () => {
    const long = `${'I have had a mild headache and some tiredness for a few days, '.repeat(60)}`.slice(0, 4000);
    const hostile = `${'a '.repeat(1999)}!`.slice(0, 4000);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) {
      detectRedFlags(long);
      detectRedFlags(hostile);
    }
    const perCheck = (performance.now() - started) / 2000;
    expect(perCheck).toBeLessThan(2); // ms; measured well under 1 ms
  });
});
