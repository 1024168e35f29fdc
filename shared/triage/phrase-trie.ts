/**
 * Phrases (sequences of lexicon words) in a trie over word ids. A phrase element is a word, a
 * stem (`word*`), alternatives (`a|b`), an optional word (`word?`), a number (`#`), a year (`#y`), a word of a
 * concept class (`@CONCEPT`, any one-word phrase of it), or a gap of up to GAP_WORDS words (`~`).
 */
import type { Concept } from './concepts.js';

export interface PhraseNode {
  words: Map<number, PhraseNode>;
  classes: Map<Concept, PhraseNode>;
  number?: PhraseNode;
  /** A number that reads as a year (1900–2100). */
  year?: PhraseNode;
  gap?: PhraseNode;
  /** The concepts a phrase ending here stands for. */
  concepts?: Concept[];
}

export const GAP_WORDS = 3;

export const newPhraseNode = (): PhraseNode => ({ words: new Map(), classes: new Map() });

/** One element as written in a lexicon phrase: its alternatives, and whether it may be left out. */
export interface PhraseElement {
  kind: 'words' | 'number' | 'year' | 'class' | 'gap';
  alternatives: string[];
  optional: boolean;
}

export function parsePhrase(phrase: string): PhraseElement[] {
  const elements: PhraseElement[] = [];
  for (const raw of phrase.split(' ')) {
    if (!raw) continue;
    const optional = raw.endsWith('?');
    const text = optional ? raw.slice(0, -1) : raw;
    if (text === '#') elements.push({ kind: 'number', alternatives: [], optional });
    else if (text === '#y') elements.push({ kind: 'year', alternatives: [], optional });
    else if (text === '~') elements.push({ kind: 'gap', alternatives: [], optional });
    else if (text.startsWith('@')) elements.push({ kind: 'class', alternatives: [text.slice(1)], optional });
    else elements.push({ kind: 'words', alternatives: text.split('|').filter(Boolean), optional });
  }
  return elements;
}

/** Adds the phrase's paths (every optional element in or out) under `root`. */
export function insertPhrase(
  root: PhraseNode,
  elements: readonly PhraseElement[],
  concept: Concept,
  wordId: (word: string) => number,
): void {
  let frontier: PhraseNode[] = [root];
  for (const element of elements) {
    const next: PhraseNode[] = [];
    for (const node of frontier) {
      next.push(...stepInto(node, element, wordId));
      if (element.optional) next.push(node);
    }
    frontier = [...new Set(next)];
  }
  for (const node of frontier) {
    if (node === root) continue;
    node.concepts ??= [];
    if (!node.concepts.includes(concept)) node.concepts.push(concept);
  }
}

function stepInto(node: PhraseNode, element: PhraseElement, wordId: (word: string) => number): PhraseNode[] {
  switch (element.kind) {
    case 'number':
      node.number ??= newPhraseNode();
      return [node.number];
    case 'year':
      node.year ??= newPhraseNode();
      return [node.year];
    case 'gap':
      node.gap ??= newPhraseNode();
      return [node.gap];
    case 'class':
      return [childOf(node.classes, element.alternatives[0] as Concept)];
    default:
      return element.alternatives.map((word) => childOf(node.words, wordId(word)));
  }
}

function childOf<K>(map: Map<K, PhraseNode>, key: K): PhraseNode {
  let child = map.get(key);
  if (!child) {
    child = newPhraseNode();
    map.set(key, child);
  }
  return child;
}
