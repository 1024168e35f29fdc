/**
 * Which of the triage languages a text is written in, from its frequent function words and a
 * few telling letters. Unsure (too few clues, or two languages close) → English, flagged.
 */
import { TRIAGE_LANGUAGES, type TriageLanguage } from './categories.js';
import { LANGUAGE_DATA } from './languages/index.js';
import { tokenise } from './tokenise.js';

export interface LanguageGuess {
  language: TriageLanguage;
  /** False when the clues were too few or too even to choose. */
  sure: boolean;
  /** The languages worth reading the text in: the sure one, or every one close to the best. */
  candidates: TriageLanguage[];
}

/** Function word → the languages (indexes into TRIAGE_LANGUAGES) it belongs to. */
const STOPWORDS = new Map<string, number[]>();
TRIAGE_LANGUAGES.forEach((id, index) => {
  for (const word of new Set(LANGUAGE_DATA[id].stopwords)) STOPWORDS.set(word, [...(STOPWORDS.get(word) ?? []), index]);
});
/** Letter (char code, lower case) → the languages it hints at. */
const LETTER_HINTS = new Map<number, number[]>();
TRIAGE_LANGUAGES.forEach((id, index) => {
  for (const letter of LANGUAGE_DATA[id].letters) {
    for (const form of [letter, letter.toUpperCase()]) {
      const code = form.charCodeAt(0);
      LETTER_HINTS.set(code, [...(LETTER_HINTS.get(code) ?? []), index]);
    }
  }
});
/** Letter hints count at most this many words' worth, so that one accent does not outvote a sentence. */
const MAX_LETTER_SCORE = 2;
/** Only the first words and characters are read: enough to tell, and bounded work. */
const MAX_WORDS = 400;
const MAX_CHARACTERS = 4000;

function letterScores(text: string): number[] {
  const scores = TRIAGE_LANGUAGES.map(() => 0);
  const end = Math.min(text.length, MAX_CHARACTERS);
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xbf) continue;
    const hinted = LETTER_HINTS.get(code);
    if (hinted) for (const index of hinted) scores[index] = Math.min(MAX_LETTER_SCORE, (scores[index] ?? 0) + 1);
  }
  return scores;
}

export function guessLanguage(text: string, words: readonly string[] = tokenise(text).words): LanguageGuess {
  const scores = letterScores(text);
  const end = Math.min(words.length, MAX_WORDS);
  for (let w = 0; w < end; w++) {
    const languages = STOPWORDS.get(words[w] as string);
    if (languages) for (const l of languages) scores[l] = (scores[l] ?? 0) + 1;
  }
  let best = 0;
  let second = -1;
  for (let l = 1; l < scores.length; l++) {
    if ((scores[l] ?? 0) > (scores[best] ?? 0)) {
      second = best;
      best = l;
    } else if (second < 0 || (scores[l] ?? 0) > (scores[second] ?? 0)) {
      second = l;
    }
  }
  const top = scores[best] ?? 0;
  const next = second >= 0 ? (scores[second] ?? 0) : 0;
  const sure = top >= 2 && top >= next * 1.5 + 1;
  const language = sure || top > next ? (TRIAGE_LANGUAGES[best] ?? 'en') : 'en';
  const candidates = sure ? [language] : TRIAGE_LANGUAGES.filter((_, l) => (scores[l] ?? 0) >= top - 1);
  return { language, sure, candidates };
}

/** The language to answer in: the most likely one, English when there is nothing to go on. */
export function detectLanguage(text: string): TriageLanguage {
  return guessLanguage(text).language;
}
