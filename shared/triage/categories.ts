/**
 * The closed lists every layer of the emergency triage shares (rules, model second opinion,
 * wire, advice): the categories (ids from the agreed list; never rename one) and the languages.
 */

export const TRIAGE_CATEGORIES = [
  'cardiac',
  'stroke',
  'suicide-or-self-harm',
  'anaphylaxis',
  'severe-bleeding',
  'overdose-or-poisoning',
  'unresponsive',
  'severe-breathing-difficulty',
  'seizure',
  'meningitis-or-sepsis',
  'sudden-severe-headache',
  'infant-danger-signs',
  'drowning',
  'major-trauma',
  'severe-burn',
  'aortic-dissection',
  'pulmonary-embolism',
  'testicular-torsion',
  'acute-abdomen',
  'diabetic-emergency',
  'pregnancy-emergency',
  'heat-or-cold-emergency',
  'cauda-equina',
  'sudden-vision-loss',
] as const;
export type TriageCategory = (typeof TRIAGE_CATEGORIES)[number];

/** Adding a language: its id here and its data file in ./languages (the registry there requires it). */
export const TRIAGE_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt'] as const;
export type TriageLanguage = (typeof TRIAGE_LANGUAGES)[number];

const CATEGORY_SET: ReadonlySet<string> = new Set(TRIAGE_CATEGORIES);
const LANGUAGE_SET: ReadonlySet<string> = new Set(TRIAGE_LANGUAGES);

export function isTriageCategory(value: unknown): value is TriageCategory {
  return typeof value === 'string' && CATEGORY_SET.has(value);
}

export function isTriageLanguage(value: unknown): value is TriageLanguage {
  return typeof value === 'string' && LANGUAGE_SET.has(value);
}
