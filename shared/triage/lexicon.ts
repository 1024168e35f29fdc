/**
 * One language's lexicon compiled once: the word trie, the phrase trie over its word ids, the
 * concept classes of single words, number words and informal spellings. `streamOf` turns tokens
 * into what the phrase matcher reads (word ids per position), splitting compounds on the way.
 */
import type { Concept } from './concepts.js';
import type { LanguageData } from './language-data.js';
import { freeze, insertPhrase, newPhraseNode, type PhraseNode, parsePhrase } from './phrase-trie.js';
import { Break, type Tokens } from './tokenise.js';
import { WordTrie } from './word-trie.js';

const NO_IDS: readonly number[] = [];
const NO_BREAK: Break = Break.None;

export interface CompiledLexicon {
  data: LanguageData;
  words: WordTrie;
  phrases: PhraseNode;
  /** Per word id: the concepts a word is on its own (for `@CONCEPT` elements). */
  classes: Array<Set<Concept> | undefined>;
  /** Words never corrected as typos: the language's function words and its listed look-alikes. */
  plainWords: ReadonlySet<string>;
  /** Number words and informal spellings as maps (a word such as "constructor" is just a word). */
  numbers: ReadonlyMap<string, number>;
  expansions: ReadonlyMap<string, readonly string[]>;
  ordinalNouns: ReadonlySet<string>;
}

/** What the matcher reads: per position, the word's ids, number value, classes and the break before it. */
export interface Stream {
  ids: Array<readonly number[]>;
  values: number[];
  breaks: Break[];
  classes: Array<ReadonlySet<Concept> | undefined>;
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
  freeze(phrases);
  return {
    data,
    words,
    phrases,
    classes,
    plainWords: new Set([...data.stopwords, ...data.notTypos]),
    numbers: new Map(Object.entries(data.numbers)),
    expansions: new Map(Object.entries(data.expansions).map(([k, v]) => [k, v.split(' ')])),
    ordinalNouns: new Set(data.ordinalNouns ?? []),
  };
}

/** One position a word occupies: its ids and the concepts it is on its own. */
interface Piece {
  ids: readonly number[];
  classes: ReadonlySet<Concept> | undefined;
}

interface Lookup {
  pieces: readonly Piece[];
  /** Known as written (no typo corrected). */
  exact: boolean;
}

/** Bounded memo of word → lookup: lay text repeats its words; cleared when full. */
const MEMO_LIMIT = 20_000;

export class StreamBuilder {
  private readonly memo = new Map<string, Lookup>();

  constructor(private readonly lexicon: CompiledLexicon) {}

  /** Reused by every build (the triage is synchronous and keeps no stream): less for the GC to sweep. */
  private readonly stream: Stream = { ids: [], values: [], breaks: [], classes: [], known: 0 };
  /** Positions written by the build under way: arrays are overwritten, then cut to it. */
  private size = 0;

  /** The stream of these tokens; valid until the next build on this builder. */
  build(tokens: Tokens): Stream {
    const stream = this.stream;
    this.size = 0;
    stream.known = 0;
    const { numbers, expansions, ordinalNouns } = this.lexicon;
    for (let t = 0; t < tokens.words.length; t++) {
      const word = tokens.words[t] as string;
      const afterOrdinal = tokens.afterNumberDot[t] === true && ordinalNouns.has(word);
      const brk = afterOrdinal ? NO_BREAK : (tokens.breaks[t] ?? NO_BREAK);
      const value = tokens.values[t] ?? Number.NaN;
      if (!Number.isNaN(value)) {
        this.push(stream, undefined, value, brk);
        continue;
      }
      const parts = expansions.get(word);
      if (!parts) {
        this.pushWord(stream, word, numbers, brk);
        continue;
      }
      for (let p = 0; p < parts.length; p++)
        this.pushWord(stream, parts[p] as string, numbers, p === 0 ? brk : NO_BREAK);
    }
    // Cut, not emptied before: emptying frees the arrays' storage and each build grew it again.
    stream.ids.length = this.size;
    stream.values.length = this.size;
    stream.breaks.length = this.size;
    stream.classes.length = this.size;
    return stream;
  }

  private pushWord(stream: Stream, word: string, numbers: ReadonlyMap<string, number>, brk: Break): void {
    const { pieces, exact } = this.lookup(word);
    if (exact) stream.known++;
    // A number word ("thirty") is a number and still a word ("never had one before").
    const spelled = numbers.get(word) ?? Number.NaN;
    for (let k = 0; k < pieces.length; k++)
      this.push(stream, pieces[k], k === 0 ? spelled : Number.NaN, k === 0 ? brk : NO_BREAK);
  }

  private push(stream: Stream, piece: Piece | undefined, value: number, brk: Break): void {
    const at = this.size++;
    stream.ids[at] = piece?.ids ?? NO_IDS;
    stream.classes[at] = piece?.classes;
    stream.values[at] = value;
    stream.breaks[at] = brk;
  }

  private lookup(word: string): Lookup {
    return this.memo.get(word) ?? this.remember(word);
  }

  /**
   * The slow path, apart: its closures capture `this`, and a function with such a closure allocates
   * a context on every call, even when it returns early (this is the hot path otherwise).
   */
  private remember(word: string): Lookup {
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    const { pieces, exact } = this.resolve(word);
    const found: Lookup = { pieces: pieces.map((ids) => ({ ids, classes: this.classesOf(ids) })), exact };
    this.memo.set(word, found);
    return found;
  }

  private classesOf(ids: readonly number[]): ReadonlySet<Concept> | undefined {
    const sets = ids.map((id) => this.lexicon.classes[id]).filter((c): c is Set<Concept> => c !== undefined);
    if (sets.length <= 1) return sets[0];
    return new Set(sets.flatMap((c) => [...c]));
  }

  private resolve(word: string): { pieces: number[][]; exact: boolean } {
    const { data, plainWords, words } = this.lexicon;
    const asWritten = this.known(word);
    if (asWritten) return asWritten;
    if (plainWords.has(word)) return { pieces: [[]], exact: false };
    // "uebel" for "übel": a letter typed as two, tried before any typo is guessed.
    const respelled = respell(word, data.respellings);
    const known = respelled === word ? undefined : this.known(respelled);
    if (known) return { pieces: known.pieces, exact: false };
    const ids: number[] = [];
    words.fuzzy(word, ids);
    return { pieces: [ids], exact: false };
  }

  /** The word as the lexicon has it: a compound split, the word itself, or an inflected form ("schiefen" → "schief"). */
  private known(word: string): { pieces: number[][]; exact: boolean } | undefined {
    const { words, data } = this.lexicon;
    if (data.compounds && word.length >= 7 && !words.isWord(word)) {
      const split = this.splitCompound(word, 0);
      if (split) return { pieces: split, exact: true };
    }
    const ids: number[] = [];
    words.exact(word, ids);
    if (ids.length > 0) return { pieces: [ids], exact: true };
    for (const ending of data.inflections ?? []) {
      if (word.length - ending.length >= 4 && word.endsWith(ending)) words.exact(word.slice(0, -ending.length), ids);
      if (ids.length > 0) return { pieces: [ids], exact: false };
    }
    return undefined;
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

/** The word with each respelling undone ("rueckenschmerzen" → "ruckenschmerzen"); the word itself when none applies. */
function respell(word: string, respellings: Readonly<Record<string, string>> | undefined): string {
  if (!respellings) return word;
  let out = word;
  for (const [typed, letter] of Object.entries(respellings))
    if (out.includes(typed)) out = out.replaceAll(typed, letter);
  return out;
}
