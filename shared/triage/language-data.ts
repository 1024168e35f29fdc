/**
 * What one language contributes to the triage, all of it data: the words that identify the
 * language, the lexicon of concepts the rules read, and the vetted advice shown when urgent.
 */
import type { TriageCategory, TriageLanguage } from './categories.js';
import type { Concept } from './concepts.js';

export interface LanguageAdvice {
  /** First sentence of every urgent advice: call the local emergency number (which one where). */
  callNow: string;
  /** What to do while help comes, per category: plain, safe first aid. */
  categories: Readonly<Record<TriageCategory, string>>;
}

export interface LanguageData {
  id: TriageLanguage;
  /** Frequent function words, normalised (lower case, accents folded), that tell this language apart. */
  stopwords: readonly string[];
  /** Letters (before accent folding) that are a strong hint of this language. */
  letters: string;
  /** Words glue together (German "Brustschmerzen"): look words up inside longer words too. */
  compounds: boolean;
  advice: LanguageAdvice;
  /** Number words ("thirty" → 30), so that counts written out are read like digits. */
  numbers: Readonly<Record<string, number>>;
  /** Informal spellings → the words the lexicon uses ("wanna" → "want to"). */
  expansions: Readonly<Record<string, string>>;
  /** Endings an unknown word may carry on a lexicon word (German "schiefen" on "schief"), longest first. */
  inflections?: readonly string[];
  /** Letters people type as two when the keyboard lacks them (German "ue" for ü), → the folded letter ("u"). */
  respellings?: Readonly<Record<string, string>>;
  /** Words an ordinal written with a dot comes before ("32. Woche"): that dot, right after the digits, does not end a sentence. */
  ordinalNouns?: readonly string[];
  /** Real words that look like a lexicon word with a typo ("breast" is not "breath"): never corrected. */
  notTypos: readonly string[];
  /**
   * Concept → phrases, normalised. A word ending in `*` matches any word it starts (a stem);
   * `#` matches a number. Phrases are matched as whole words, typos of one letter tolerated.
   */
  lexicon: Readonly<Partial<Record<Concept, readonly string[]>>>;
}
