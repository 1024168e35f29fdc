/** The vetted advice shown with an urgent result: call now, then what to do per category. */
import type { TriageCategory, TriageLanguage } from './categories.js';
import { LANGUAGE_DATA } from './languages/index.js';

/** One call-now sentence, then each category's first aid once, in the given order. */
export function adviceFor(categories: readonly TriageCategory[], language: TriageLanguage): string {
  const { callNow, categories: texts } = LANGUAGE_DATA[language].advice;
  const parts = [callNow];
  for (const category of new Set(categories)) parts.push(texts[category]);
  return parts.join(' ');
}
