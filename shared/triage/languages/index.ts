/** The registry of language data: a language is its id in TRIAGE_LANGUAGES and its file here. */
import type { TriageLanguage } from '../categories.js';
import type { LanguageData } from '../language-data.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { pt } from './pt.js';

export const LANGUAGE_DATA: Readonly<Record<TriageLanguage, LanguageData>> = { en, es, fr, de, pt };
