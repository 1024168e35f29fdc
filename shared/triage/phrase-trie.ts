/**
 * Phrases (sequences of lexicon words) in a trie over word ids. A phrase element is a word, a
 * stem (`word*`), alternatives (`a|b`), an optional word (`word?`), a number (`#`), a year (`#y`), a word of a
 * concept class (`@CONCEPT`, any one-word phrase of it), or a gap of up to GAP_WORDS words (`~`);
 * a phrase starting with `^` only matches at the start of a sentence.
 */
import type { Concept } from './concepts.js';

export interface PhraseNode {
  words: Map<number, PhraseNode>;
  classes: Map<Concept, PhraseNode>;
  /** The class edges as parallel arrays (filled by `freeze`): walked without an iterator. */
  classConcepts: Concept[];
  classNodes: PhraseNode[];
  number?: PhraseNode;
  /** Phrases that must start a sentence (`^`), under the root only. */
  sentenceStart?: PhraseNode;
  /** A number that reads as a year (1900–2100). */
  year?: PhraseNode;
  gap?: PhraseNode;
  /** The concepts a phrase ending here stands for. */
  concepts?: Concept[];
}

export const GAP_WORDS = 3;

export const newPhraseNode = (): PhraseNode => ({
  words: new Map(),
  classes: new Map(),
  classConcepts: [],
  classNodes: [],
});

/** After the last insert: copy every node's class edges into its arrays. */
export function freeze(node: PhraseNode, seen = new Set<PhraseNode>()): void {
  if (seen.has(node)) return;
  seen.add(node);
  node.classConcepts = [...node.classes.keys()];
  node.classNodes = [...node.classes.values()];
  const children = [...node.words.values(), ...node.classNodes, node.number, node.year, node.gap, node.sentenceStart];
  for (const child of children) if (child) freeze(child, seen);
}

/** One alternative of a phrase element: a word or stem, any number, a year, or a concept's words. */
export interface Alternative {
  kind: 'word' | 'number' | 'year' | 'class';
  value: string;
}

/** One element as written in a lexicon phrase: its alternatives, or a gap; and whether it may be left out. */
export interface PhraseElement {
  gap: boolean;
  /** `^`: the phrase starts a sentence (first element only). */
  start?: boolean;
  alternatives: Alternative[];
  optional: boolean;
}

function alternativeOf(text: string): Alternative {
  if (text === '#') return { kind: 'number', value: text };
  if (text === '#y') return { kind: 'year', value: text };
  if (text.startsWith('@')) return { kind: 'class', value: text.slice(1) };
  return { kind: 'word', value: text };
}

export function parsePhrase(phrase: string): PhraseElement[] {
  const elements: PhraseElement[] = [];
  for (const raw of phrase.split(' ')) {
    if (!raw) continue;
    const optional = raw.endsWith('?');
    const text = optional ? raw.slice(0, -1) : raw;
    if (text === '~') elements.push({ gap: true, alternatives: [], optional });
    else if (text === '^' && elements.length === 0)
      elements.push({ gap: false, start: true, alternatives: [], optional });
    else elements.push({ gap: false, alternatives: text.split('|').filter(Boolean).map(alternativeOf), optional });
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
  if (element.gap) {
    node.gap ??= newPhraseNode();
    return [node.gap];
  }
  if (element.start) {
    node.sentenceStart ??= newPhraseNode();
    return [node.sentenceStart];
  }
  return element.alternatives.map((alternative) => {
    switch (alternative.kind) {
      case 'number':
        node.number ??= newPhraseNode();
        return node.number;
      case 'year':
        node.year ??= newPhraseNode();
        return node.year;
      case 'class':
        return childOf(node.classes, alternative.value as Concept);
      default:
        return childOf(node.words, wordId(alternative.value));
    }
  });
}

function childOf<K>(map: Map<K, PhraseNode>, key: K): PhraseNode {
  let child = map.get(key);
  if (!child) {
    child = newPhraseNode();
    map.set(key, child);
  }
  return child;
}
