/**
 * The triage pipeline: tokens → language → per candidate language, lexicon stream → phrases →
 * each finding read in context → rules over the findings still present. Lexicons compile once,
 * on first use.
 */
import { TRIAGE_CATEGORIES, TRIAGE_LANGUAGES, type TriageCategory, type TriageLanguage } from './categories.js';
import { ConceptLists } from './concept-lists.js';
import type { Concept } from './concepts.js';
import { guessLanguage } from './detect-language.js';
import { LANGUAGE_DATA } from './languages/index.js';
import { type CompiledLexicon, compileLexicon, StreamBuilder } from './lexicon.js';
import { findOccurrences, type Occurrence, Occurrences } from './matcher.js';
import { firstFrom } from './positions.js';
import { isCueConcept, Reader, type Status } from './reading.js';
import { type Condition, RULES, type Rule } from './rules.js';
import { tokenise } from './tokenise.js';

export interface Detection {
  categories: TriageCategory[];
  language: TriageLanguage;
}

/** A language's lexicon and what its readings reuse from one call to the next (a call reads each language once at most). */
interface Compiled {
  lexicon: CompiledLexicon;
  builder: StreamBuilder;
  occurrences: Occurrences;
  reader: Reader;
  /** The findings still present, by concept. */
  present: ConceptLists<Occurrence>;
}

const compiled = new Map<TriageLanguage, Compiled>();

function compiledFor(language: TriageLanguage): Compiled {
  let entry = compiled.get(language);
  if (!entry) {
    const lexicon = compileLexicon(LANGUAGE_DATA[language]);
    entry = {
      lexicon,
      builder: new StreamBuilder(lexicon),
      occurrences: new Occurrences(),
      reader: new Reader(),
      present: new ConceptLists(),
    };
    compiled.set(language, entry);
  }
  return entry;
}

/** Compiles every language's lexicon now (a server calls it at start, not on its first question). */
export function compileLexicons(): void {
  for (const language of TRIAGE_LANGUAGES) compiledFor(language);
}

/**
 * Settings and standing facts (a gas boiler, a peanut, a flight last week, pregnant, diabetic, a
 * baby's age): they make present symptoms an emergency whenever they were told, however framed.
 * Every rule also needs a present symptom, so a background alone raises nothing.
 */
const BACKGROUND: ReadonlySet<Concept> = new Set<Concept>([
  'DRUG',
  'CO_GAS',
  'ALLERGEN',
  'MEAL',
  'CLOT_RISK',
  'HOT_ENV',
  'COLD_ENV',
  'PREGNANT',
  'DIABETES',
  'ANTICOAG',
  'CHILD',
  'BABY',
  'NEWBORN',
  'AGE_DAYS',
  'AGE_WEEKS',
  'AGE_MONTHS',
  'ASTHMA',
  'INFECTION',
  'DVT',
  'HEAD_INJURY',
  'WATER',
]);

/** An age or an injury told in the past was then, not now ("when she was 3 weeks old"); told of yesterday it still stands. */
const NOW_ONLY: ReadonlySet<Concept> = new Set<Concept>([
  'NEWBORN',
  'AGE_DAYS',
  'AGE_WEEKS',
  'AGE_MONTHS',
  'HEAD_INJURY',
  'WATER',
]);

/** A history told as over ("had a stroke last year"), not one wondered about ("worried he had a stroke") nor of yesterday. */
const HISTORY: ReadonlySet<Concept> = new Set<Concept>(['STROKE_HISTORY']);
const TOLD: ReadonlySet<Status> = new Set<Status>(['past', 'resolved']);

/** A poison swallowed yesterday or last night still acts today ("wild mushrooms last night, vomiting now"). */
const STANDS_FROM_YESTERDAY: ReadonlySet<Concept> = new Set<Concept>(['POISON', 'SWALLOWED']);

const asBackground = (concept: Concept, status: Status) =>
  (HISTORY.has(concept)
    ? TOLD.has(status)
    : BACKGROUND.has(concept) || (status === 'recent' && STANDS_FROM_YESTERDAY.has(concept))) &&
  status !== 'negated' &&
  status !== 'animal' &&
  !(status === 'past' && NOW_ONLY.has(concept));

/** Findings by concept; a concept without any has an empty list. */
type Present = ConceptLists<Occurrence>;

interface Reading {
  /** Valid until this language is read again. */
  present: Present;
  /** How many words the language's lexicon knew. */
  known: number;
}

function presentIn(tokens: ReturnType<typeof tokenise>, language: TriageLanguage): Reading {
  const { lexicon, builder, occurrences: reused, reader, present } = compiledFor(language);
  const stream = builder.build(tokens);
  const occurrences = findOccurrences(lexicon, stream, reused);
  reader.read(stream.breaks, occurrences);
  present.clear();
  for (const o of occurrences) {
    if (isCueConcept(o.concept)) continue;
    const status = reader.statusOf(o);
    if (status !== 'present' && !asBackground(o.concept, status)) continue;
    present.add(o.concept, o);
  }
  present.finish();
  return { present, known: stream.known };
}

export function detect(text: string): Detection {
  const tokens = tokenise(text);
  const guess = guessLanguage(text, tokens.words);
  const readings = guess.candidates.map((language) => ({ language, ...presentIn(tokens, language) }));
  // Unsure from function words: read it in the language(s) whose lexicon knew most of its words,
  // so that a near-miss in a foreign lexicon ("insolacion" ~ "insolation") raises nothing.
  const bestKnown = Math.max(...readings.map((r) => r.known));
  const chosen = guess.sure ? readings : readings.filter((r) => r.known === bestKnown);
  const found = new Set<TriageCategory>();
  for (const { present } of chosen) {
    for (const r of RULES) if (!found.has(r.category) && holds(r, present)) found.add(r.category);
  }
  const best = readings.find((r) => r.known === bestKnown);
  const language = guess.sure || !best || bestKnown === 0 ? guess.language : best.language;
  return { categories: TRIAGE_CATEGORIES.filter((c) => found.has(c)), language };
}

const NO_CONDITIONS: readonly Condition[] = [];

const gap = (a: Occurrence, b: Occurrence) => Math.max(0, b.start - a.end, a.start - b.end);

/** Phrases are a few words long; an occurrence starting further back than this cannot reach the anchor. */
const LONGEST_PHRASE = 16;

const passes = (condition: Condition, o: Occurrence) => !condition.test || condition.test(o.value);

function near(present: Present, anchor: Occurrence, condition: Condition, within: number): boolean {
  const reach = condition.within ?? within;
  for (const concept of condition.any) {
    const list = present.get(concept);
    for (let k = firstFrom(list, anchor.start - reach - LONGEST_PHRASE); k < list.length; k++) {
      const o = list[k] as Occurrence;
      if (o.start > anchor.end + reach) break;
      if (o !== anchor && gap(anchor, o) <= reach && passes(condition, o)) return true;
    }
  }
  return false;
}

function holds(r: Rule, present: Present): boolean {
  const first = r.all[0];
  if (!first) return false;
  const unless = r.unless ?? NO_CONDITIONS;
  for (const concept of first.any) {
    const anchors = present.get(concept);
    for (const anchor of anchors) {
      if (
        passes(first, anchor) &&
        restNear(present, anchor, r.all, r.within) &&
        !anyNear(present, anchor, unless, r.within)
      ) {
        return true;
      }
    }
  }
  return false;
}

/** Every condition after the first (the anchor's own) holds near the anchor. */
function restNear(present: Present, anchor: Occurrence, conditions: readonly Condition[], within: number) {
  for (let k = 1; k < conditions.length; k++)
    if (!near(present, anchor, conditions[k] as Condition, within)) return false;
  return true;
}

function anyNear(present: Present, anchor: Occurrence, conditions: readonly Condition[], within: number) {
  for (const c of conditions) if (near(present, anchor, c, within)) return true;
  return false;
}

/** Every phrase found in a text with how it was read (`npm run eval:triage -- --verbose`; not used by the triage). */
export function explain(text: string, language: TriageLanguage): string[] {
  const { lexicon, builder, occurrences: reused, reader } = compiledFor(language);
  const stream = builder.build(tokenise(text));
  const occurrences = findOccurrences(lexicon, stream, reused);
  reader.read(stream.breaks, occurrences);
  return occurrences.map((o) => `${o.concept}[${o.start}]${isCueConcept(o.concept) ? '' : `:${reader.statusOf(o)}`}`);
}
