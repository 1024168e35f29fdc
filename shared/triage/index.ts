/**
 * Emergency triage: a deterministic, multilingual check for emergencies described now. Runs on
 * every question before it is written (server) and can run in the browser: no dependencies,
 * linear in the text's length.
 */
import { adviceFor } from './advice.js';
import type { TriageCategory, TriageLanguage } from './categories.js';
import { detect } from './engine.js';

export { adviceFor } from './advice.js';
export {
  isTriageCategory,
  isTriageLanguage,
  TRIAGE_CATEGORIES,
  TRIAGE_LANGUAGES,
  type TriageCategory,
  type TriageLanguage,
} from './categories.js';
export { detectLanguage } from './detect-language.js';
export { compileLexicons } from './engine.js';

export interface TriageResult {
  urgent: boolean;
  /** In the order of TRIAGE_CATEGORIES. */
  categories: TriageCategory[];
  /** The question's language (English when unsure): the language of `advice`. */
  language: TriageLanguage;
  /** What to do now; present exactly when urgent. */
  advice: string | undefined;
}

export function triage(text: string): TriageResult {
  const { categories, language } = detect(text);
  const urgent = categories.length > 0;
  return { urgent, categories, language, advice: urgent ? adviceFor(categories, language) : undefined };
}
