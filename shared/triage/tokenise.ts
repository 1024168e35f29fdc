/**
 * Text → words, in one pass over the characters (no regular expressions): lower case, accents
 * folded, apostrophes resolved (English "can't" → "cant", French "l'enfant" → "l enfant"), numbers
 * read with their decimals, letters repeated for emphasis cut to two, and the punctuation that ends
 * a clause or a sentence kept as a break before the next word.
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
}

/** French/Portuguese elisions: the part before the apostrophe is a word of its own. */
const ELISIONS = new Set(['l', 'd', 'j', 'qu', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
const APOSTROPHES = new Set(["'", '\u2019', '\u2018', '`', '\u00b4', '\u02bc']);
const SENTENCE_ENDS = new Set(['.', '!', '?', ';', '\n', '\u2026', '\u3002']);
const CLAUSE_ENDS = new Set([
  ',',
  ':',
  '(',
  ')',
  '[',
  ']',
  '"',
  '\u201c',
  '\u201d',
  '\u00ab',
  '\u00bb',
  '\u2013',
  '\u2014',
  '/',
  '|',
]);
const SPECIAL_FOLDS: Record<string, string> = { ß: 'ss', œ: 'oe', æ: 'ae', ø: 'o', đ: 'd', ł: 'l', ı: 'i' };

/** Lower case with accents removed; linear (NFD then drop combining marks). */
export function foldText(text: string): string {
  const decomposed = text.toLowerCase().normalize('NFD');
  let out = '';
  for (const ch of decomposed) {
    const code = ch.charCodeAt(0);
    if (code >= 0x300 && code <= 0x36f) continue;
    out += SPECIAL_FOLDS[ch] ?? ch;
  }
  return out;
}

const isDigit = (c: string) => c >= '0' && c <= '9';
/** a-z and the other alphabets' letters (Latin-1 to Greek/Cyrillic); symbols, emoji and punctuation are not. */
function isLetter(c: string): boolean {
  if (c >= 'a' && c <= 'z') return true;
  const code = c.charCodeAt(0);
  return code >= 0xc0 && code < 0x2000 && code !== 0xd7 && code !== 0xf7;
}

class TokenSink {
  readonly tokens: Tokens = { words: [], values: [], breaks: [] };
  private pending: Break = Break.None;

  mark(kind: Break): void {
    if (kind > this.pending) this.pending = kind;
  }

  push(word: string, value = Number.NaN): void {
    this.tokens.words.push(word);
    this.tokens.values.push(value);
    this.tokens.breaks.push(this.pending);
    this.pending = Break.None;
  }
}

/** Reads a number starting at i ("38", "38.5", "38,5", "1,000"); returns where it ends. */
function readNumber(s: string, i: number, sink: TokenSink): number {
  let j = i;
  while (j < s.length && isDigit(s[j] as string)) j++;
  if ((s[j] === '.' || s[j] === ',') && isDigit(s[j + 1] ?? '')) {
    let k = j + 1;
    while (k < s.length && isDigit(s[k] as string)) k++;
    const fraction = s.slice(j + 1, k);
    // "1,000" is a thousand; "38,5" and "38.5" are decimals.
    const thousands = s[j] === ',' && fraction.length === 3;
    const text = thousands ? s.slice(i, j) + fraction : `${s.slice(i, j)}.${fraction}`;
    sink.push(text, Number(text));
    return k;
  }
  const text = s.slice(i, j);
  sink.push(text, Number(text));
  return j;
}

/** Reads a word starting at i; an apostrophe inside it splits (elision) or joins (contraction). */
function readWord(s: string, i: number, sink: TokenSink): number {
  let word = '';
  let j = i;
  while (j < s.length) {
    const c = s[j] as string;
    if (isLetter(c)) {
      // Emphasis ("sooo", "helppp"): a third identical letter in a row is dropped.
      if (!(word.length >= 2 && word[word.length - 1] === c && word[word.length - 2] === c)) word += c;
      j++;
    } else if (APOSTROPHES.has(c) && isLetter(s[j + 1] ?? '')) {
      if (ELISIONS.has(word)) {
        sink.push(word);
        word = '';
      }
      j++;
    } else {
      break;
    }
  }
  if (word) sink.push(word);
  return j;
}

export function tokenise(text: string): Tokens {
  const s = foldText(text);
  const sink = new TokenSink();
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (isDigit(c)) i = readNumber(s, i, sink);
    else if (isLetter(c)) i = readWord(s, i, sink);
    else {
      if (SENTENCE_ENDS.has(c)) sink.mark(Break.Sentence);
      else if (CLAUSE_ENDS.has(c) || (c === '-' && s[i + 1] === ' ' && s[i - 1] === ' ')) sink.mark(Break.Clause);
      i++;
    }
  }
  return sink.tokens;
}
