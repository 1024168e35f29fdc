/**
 * Text → words, in one pass over the characters with a lookup table (no backtracking): lower
 * case, accents folded, apostrophes resolved (English "can't" → "cant", French "l'enfant" →
 * "l enfant"), numbers read with their decimals, a letter repeated three times or more for
 * emphasis cut to two, and the punctuation that ends a clause or a sentence kept as a break
 * before the next word.
 */

export enum Break {
  None = 0,
  Clause = 1,
  Sentence = 2,
}

export interface Tokens {
  words: string[];
  /** The number a word spells in digits ("38.5"), NaN for other words. */
  values: number[];
  /** The strongest break between word i-1 and word i. */
  breaks: Break[];
  /** Word i comes after a number with a dot right behind it ("32. Woche": perhaps an ordinal). */
  afterNumberDot: boolean[];
}

enum Kind {
  Other = 0,
  Letter = 1,
  Digit = 2,
  SentenceEnd = 3,
  ClauseEnd = 4,
  Apostrophe = 5,
  Dash = 6,
}

/** French/Portuguese elisions: the part before the apostrophe is a word of its own. */
const ELISIONS = new Set(['l', 'd', 'j', 'qu', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
const ORDINAL_ENDINGS = new Set(['st', 'nd', 'rd', 'th', 'e', 'er', 're', 'eme', 'ieme', 'o', 'a']);
const SPECIAL_FOLDS: Record<string, string> = { ß: 'ss', œ: 'oe', æ: 'ae', ø: 'o', đ: 'd', ł: 'l', ı: 'i' };
const SPECIAL = /[ßœæøđłı]/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ASCII = /[^\t-~]/;
/** Upper-case or beyond ASCII: a word that lower-casing or folding changes. */
const NOT_FOLDED = /[^\t-@[-~]/;

const TABLE_SIZE = 0x2000;
const KINDS = new Uint8Array(TABLE_SIZE);
for (let c = 0x61; c <= 0x7a; c++) KINDS[c] = Kind.Letter;
for (let c = 0xc0; c < TABLE_SIZE; c++) KINDS[c] = Kind.Letter;
KINDS[0xd7] = Kind.Other; // ×
KINDS[0xf7] = Kind.Other; // ÷
for (let c = 0x30; c <= 0x39; c++) KINDS[c] = Kind.Digit;
for (const ch of '.!?;\n') KINDS[ch.charCodeAt(0)] = Kind.SentenceEnd;
for (const ch of ',:()[]"/|\u00ab\u00bb') KINDS[ch.charCodeAt(0)] = Kind.ClauseEnd;
for (const ch of "'`\u00b4\u02bc") KINDS[ch.charCodeAt(0)] = Kind.Apostrophe;
KINDS[0x2d] = Kind.Dash;

function kindOf(code: number): Kind {
  if (code < TABLE_SIZE) return KINDS[code] as Kind;
  if (code === 0x2019 || code === 0x2018) return Kind.Apostrophe;
  if (code === 0x2026 || code === 0x3002) return Kind.SentenceEnd;
  if (code === 0x201c || code === 0x201d || code === 0x2013 || code === 0x2014) return Kind.ClauseEnd;
  return Kind.Other;
}

/** Lower case with accents removed (what `tokenise` reads: a Latin text folded as it goes, to the same result). */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // Plain ASCII has nothing to fold: skip the two copies of the text that folding makes.
  if (!NON_ASCII.test(lower)) return lower;
  return foldAccents(lower);
}

/** Accents removed (linear: two character-class replacements). */
function foldAccents(lower: string): string {
  const bare = lower.normalize('NFD').replace(COMBINING_MARKS, '');
  return bare.replace(SPECIAL, (ch) => SPECIAL_FOLDS[ch] ?? ch);
}

/**
 * Below U+0250 no character combines with the one before it, and none lower-cases by context
 * (only Greek sigma does), so lower-casing and folding a text is doing so to each character
 * alone: a text of such characters (most Latin-script text) is read through this table instead of
 * being copied lower-cased and folded (normalising a text makes two more copies, one two-byte).
 * Per character: its lower-case folded character, or NOT_ONE when that is two (ß → ss).
 */
const LATIN_END = 0x250;
const NOT_ONE = 0xffff;
const LATIN_FOLDS = new Uint16Array(LATIN_END);
/** The table for a text already folded (or plain ASCII): every character as it is. */
const AS_IS = new Uint16Array(LATIN_END);
for (let c = 0; c < LATIN_END; c++) {
  const folded = foldAccents(String.fromCharCode(c).toLowerCase());
  LATIN_FOLDS[c] = folded.length === 1 ? folded.charCodeAt(0) : NOT_ONE;
  AS_IS[c] = c;
}

/** Every character of the text lower-cases and folds alone to one character. */
function foldsOneByOne(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code >= LATIN_END || LATIN_FOLDS[code] === NOT_ONE) return false;
  }
  return true;
}

/**
 * Words already seen, found by their characters where they stand in the text: a word seen before
 * costs no new string (lay text repeats its words, within a question and across questions).
 * Open addressing over a fixed table; emptied when half full, so memory stays bounded.
 */
class WordTable {
  private static readonly SIZE = 1 << 15;
  private readonly slots: Array<string | undefined> = new Array(WordTable.SIZE).fill(undefined);
  private count = 0;

  /** The (folded) word at [start, end) of the scanner's text, as a string seen before when there is one. */
  of(text: Scanner, start: number, end: number): string {
    const mask = WordTable.SIZE - 1;
    for (let slot = hashOf(text, start, end) & mask; ; slot = (slot + 1) & mask) {
      const word = this.slots[slot];
      if (word === undefined) return this.add(slot, text.text(start, end));
      if (sameWord(word, text, start, end)) return word;
    }
  }

  private add(slot: number, word: string): string {
    if (this.count >= WordTable.SIZE / 2) {
      this.slots.fill(undefined);
      this.count = 0;
      // The word is folded already: read as it is.
      return this.of(new Scanner(word, AS_IS), 0, word.length);
    }
    this.slots[slot] = word;
    this.count++;
    return word;
  }
}

/** FNV-1a over the (folded) characters, cut to 30 bits: a small integer is never boxed. */
function hashOf(text: Scanner, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let k = start; k < end; k++) hash = Math.imul(hash ^ text.code(k), 0x01000193);
  return hash & 0x3fffffff;
}

function sameWord(word: string, text: Scanner, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== text.code(start + k)) return false;
  return true;
}

const WORDS = new WordTable();

/** Reused by every call (the triage is synchronous and keeps no tokens): less for the GC to sweep. */
const TOKENS: Tokens = { words: [], values: [], breaks: [], afterNumberDot: [] };

class Scanner {
  readonly tokens = TOKENS;
  /** Words written so far: the arrays are overwritten, then cut to it (emptying them freed their storage). */
  size = 0;
  private pending: Break = Break.None;
  private numberDot = false;

  /** `folds`: LATIN_FOLDS to read a Latin text lower-cased and folded, AS_IS for a text folded already. */
  constructor(
    private readonly s: string,
    private readonly folds: Uint16Array,
  ) {}

  get length(): number {
    return this.s.length;
  }

  /** The folded character at k (NaN past the end). */
  code(k: number): number {
    const c = this.s.charCodeAt(k);
    return c < LATIN_END ? (this.folds[c] as number) : c;
  }

  /** The folded text from i to j. */
  text(i: number, j: number): string {
    const raw = this.s.slice(i, j);
    return this.folds === LATIN_FOLDS && NOT_FOLDED.test(raw) ? foldText(raw) : raw;
  }

  mark(kind: Break): void {
    if (kind > this.pending) this.pending = kind;
  }

  push(word: string, value = Number.NaN): void {
    const at = this.size++;
    this.tokens.words[at] = word;
    this.tokens.values[at] = value;
    this.tokens.breaks[at] = this.pending;
    this.tokens.afterNumberDot[at] = this.numberDot;
    this.pending = Break.None;
    this.numberDot = false;
  }

  finish(): Tokens {
    this.tokens.words.length = this.size;
    this.tokens.values.length = this.size;
    this.tokens.breaks.length = this.size;
    this.tokens.afterNumberDot.length = this.size;
    return this.tokens;
  }

  /** A number starting at i ("38", "38.5", "38,5", "1,000"); returns where it ends. */
  number(i: number): number {
    const n = this.s.length;
    let j = i;
    while (j < n && kindOf(this.code(j)) === Kind.Digit) j++;
    const sep = this.code(j);
    if ((sep === 0x2e || sep === 0x2c) && kindOf(this.code(j + 1)) === Kind.Digit) {
      let k = j + 1;
      while (k < n && kindOf(this.code(k)) === Kind.Digit) k++;
      const fraction = this.text(j + 1, k);
      const whole = this.text(i, j);
      // "1,000" is a thousand; "38,5" and "38.5" are decimals.
      const text = sep === 0x2c && fraction.length === 3 ? whole + fraction : `${whole}.${fraction}`;
      this.push(text, Number(text));
      return k;
    }
    const text = this.text(i, j);
    this.push(text, Number(text));
    const end = this.ordinalEnd(j);
    this.numberDot = this.code(end) === 0x2e && this.code(end + 1) === 0x20;
    return end;
  }

  /** "2nd", "3e", "1er", "2o": an ordinal's ending is part of its number, not a word. */
  private ordinalEnd(j: number): number {
    let k = j;
    while (k < this.s.length && k - j <= 4 && kindOf(this.code(k)) === Kind.Letter) k++;
    return k > j && kindOf(this.code(k)) !== Kind.Letter && ORDINAL_ENDINGS.has(this.text(j, k)) ? k : j;
  }

  /** A word starting at i; an apostrophe inside it splits (elision) or joins (contraction). */
  word(i: number): number {
    let j = i;
    let plain = true;
    while (j < this.s.length) {
      const code = this.code(j);
      const kind = kindOf(code);
      if (kind === Kind.Letter) {
        if (j - i >= 2 && code === this.code(j - 1) && code === this.code(j - 2)) plain = false;
        j++;
      } else if (kind === Kind.Apostrophe && kindOf(this.code(j + 1)) === Kind.Letter) {
        plain = false;
        j++;
      } else {
        break;
      }
    }
    if (plain) this.push(WORDS.of(this, i, j));
    else this.emitSpecial(this.text(i, j));
    return j;
  }

  /** The slow path, for words with an apostrophe or a letter repeated for emphasis. */
  private emitSpecial(raw: string): void {
    let word = '';
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k] as string;
      if (kindOf(c.charCodeAt(0)) === Kind.Apostrophe) {
        if (ELISIONS.has(word)) {
          this.push(word);
          word = '';
        }
        continue;
      }
      if (!(word.length >= 2 && word[word.length - 1] === c && word[word.length - 2] === c)) word += c;
    }
    if (word) this.push(word);
  }
}

/** The words of `text`; valid until the next call. */
export function tokenise(text: string): Tokens {
  // Latin text (ASCII too) is lower-cased and folded as it is read; any other is folded first.
  const scanner = foldsOneByOne(text) ? new Scanner(text, LATIN_FOLDS) : new Scanner(foldText(text), AS_IS);
  const n = scanner.length;
  let i = 0;
  while (i < n) {
    const kind = kindOf(scanner.code(i));
    if (kind === Kind.Digit) i = scanner.number(i);
    else if (kind === Kind.Letter) i = scanner.word(i);
    else {
      if (kind === Kind.SentenceEnd) scanner.mark(Break.Sentence);
      else if (kind === Kind.ClauseEnd) scanner.mark(Break.Clause);
      else if (kind === Kind.Dash && scanner.code(i + 1) === 0x20 && scanner.code(i - 1) === 0x20)
        scanner.mark(Break.Clause);
      i++;
    }
  }
  return scanner.finish();
}
