/**
 * One language's lexicon compiled once: the word trie, the phrase trie over its word ids, the
 * concept classes of single words, number words and informal spellings. `streamOf` turns tokens
 * into what the phrase matcher reads (word ids per position), splitting compounds on the way.
 */
import type { Concept } from './concepts.js';
import type { LanguageData } from './language-data.js';
import { insertPhrase, newPhraseNode, type PhraseNode, parsePhrase } from './phrase-trie.js';
import { Break, type Tokens } from './tokenise.js';
import { WordTrie } from './word-trie.js';

export interface CompiledLexicon {
  data: LanguageData;
  words: WordTrie;
  phrases: PhraseNode;
  /** Per word id: the concepts a word is on its own (for `@CONCEPT` elements). */
  classes: Array<Set<Concept> | undefined>;
  /** Words never corrected as typos: the language's function words and its listed look-alikes. */
  plainWords: ReadonlySet<string>;
}

/** What the matcher reads: per position, the word's ids, number value, classes and the break before it. */
export interface Stream {
  ids: number[][];
  values: number[];
  breaks: Break[];
  classes: Array<ReadonlySet<Concept> | undefined>;
  /** The original token index of each position (compounds give several positions one token). */
  source: number[];
  /** How many words the lexicon knew: evidence for the language when the function words were too few. */
  known: number;
}

export function compileLexicon(data: LanguageData): CompiledLexicon {
  const words = new WordTrie();
  const phrases = newPhraseNode();
  const classes: Array<Set<Concept> | undefined> = [];
  for (const [concept, list] of Object.entries(data.lexicon) as Array<[Concept, readonly string[]]>) {
    for (const phrase of list) {
      const elements = parsePhrase(phrase);
      insertPhrase(phrases, elements, concept, (word) => words.add(word));
      const only = elements[0];
      if (elements.length === 1 && only && !only.gap) {
        for (const alternative of only.alternatives) {
          if (alternative.kind !== 'word') continue;
          const id = words.add(alternative.value);
          classes[id] ??= new Set();
          classes[id]?.add(concept);
        }
      }
    }
  }
  const plainWords = new Set([...data.stopwords, ...data.notTypos]);
  return { data, words, phrases, classes, plainWords };
}

/** Bounded memo of token → ids: lay text repeats its words; cleared when full. */
const MEMO_LIMIT = 20_000;

export class StreamBuilder {
  /** Word → its ids per position, and whether the lexicon knew it as written (no typo corrected). */
  private readonly memo = new Map<string, { pieces: number[][]; exact: boolean }>();

  constructor(private readonly lexicon: CompiledLexicon) {}

  build(tokens: Tokens): Stream {
    const stream: Stream = { ids: [], values: [], breaks: [], classes: [], source: [], known: 0 };
    const { numbers, expansions } = this.lexicon.data;
    for (let t = 0; t < tokens.words.length; t++) {
      const word = tokens.words[t] as string;
      const expanded = expansions[word];
      const parts = expanded ? expanded.split(' ') : [word];
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p] as string;
        const value = tokens.values[t] ?? Number.NaN;
        const spelled = numbers[part];
        const brk = p === 0 ? (tokens.breaks[t] ?? Break.None) : Break.None;
        if (!Number.isNaN(value)) {
          this.push(stream, [], value, brk, t);
          continue;
        }
        const { pieces, exact } = this.lookup(part);
        if (exact) stream.known++;
        // A number word ("thirty") is a number and still a word ("never had one before").
        pieces.forEach((ids, k) => {
          this.push(stream, ids, k === 0 ? (spelled ?? Number.NaN) : Number.NaN, k === 0 ? brk : Break.None, t);
        });
      }
    }
    return stream;
  }

  private push(stream: Stream, ids: number[], value: number, brk: Break, source: number): void {
    stream.ids.push(ids);
    stream.values.push(value);
    stream.breaks.push(brk);
    stream.source.push(source);
    let classes: Set<Concept> | undefined;
    for (const id of ids) {
      const own = this.lexicon.classes[id];
      if (!own) continue;
      if (ids.length === 1) {
        classes = own;
        break;
      }
      classes ??= new Set();
      for (const c of own) classes.add(c);
    }
    stream.classes.push(classes);
  }

  /** The ids at each position the word occupies (one position, or more for a split compound). */
  private lookup(word: string): { pieces: number[][]; exact: boolean } {
    const known = this.memo.get(word);
    if (known) return known;
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    const found = this.resolve(word);
    this.memo.set(word, found);
    return found;
  }

  private resolve(word: string): { pieces: number[][]; exact: boolean } {
    const { words, data, plainWords } = this.lexicon;
    if (data.compounds && word.length >= 7 && !words.isWord(word)) {
      const split = this.splitCompound(word, 0);
      if (split) return { pieces: split, exact: true };
    }
    const ids: number[] = [];
    words.exact(word, ids);
    if (ids.length > 0) return { pieces: [ids], exact: true };
    if (!plainWords.has(word)) words.fuzzy(word, ids);
    return { pieces: [ids], exact: false };
  }

  /**
   * "brustschmerzen" → brust | schmerzen: the longest lexicon word the token starts with whose rest
   * (after a linking s) is a lexicon word or stem too, the rest split once more at most. A word that
   * only adds an inflection to a stem ("schlaganfalls") is not split.
   */
  private splitCompound(word: string, depth: number): number[][] | undefined {
    const { words } = this.lexicon;
    for (const cut of words.prefixLengths(word, 3)) {
      if (word.length - cut <= 3) return undefined;
      const head: number[] = [];
      words.exact(word.slice(0, cut), head);
      for (const rest of [word.slice(cut), word[cut] === 's' ? word.slice(cut + 1) : '']) {
        if (rest.length < 3) continue;
        const tail: number[] = [];
        words.exact(rest, tail);
        if (tail.length > 0) return [head, tail];
        const deeper = depth === 0 ? this.splitCompound(rest, 1) : undefined;
        if (deeper) return [head, ...deeper];
      }
    }
    return undefined;
  }
}
