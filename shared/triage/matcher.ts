/**
 * Finds the lexicon's phrases in a stream: at each position the longest phrase wins, phrases never
 * cross punctuation, a finding's words are not read again inside it, and "swallowing" phrases
 * (idioms such as "stroke of luck", "drowning in work") hide the words they cover. Each position
 * is tried once and a phrase is a few words long: linear in the text.
 */
import { type Concept, CUE_CONCEPTS } from './concepts.js';
import type { CompiledLexicon, Stream } from './lexicon.js';
import { GAP_WORDS, type PhraseNode } from './phrase-trie.js';
import { Break } from './tokenise.js';

export interface Occurrence {
  concept: Concept;
  /** First and one-past-last stream positions. */
  start: number;
  end: number;
  /** The first number in the phrase, NaN when none. */
  value: number;
}

const CUES: ReadonlySet<Concept> = new Set(CUE_CONCEPTS);
const SWALLOWERS: ReadonlySet<Concept> = new Set<Concept>(['NONE', 'FIGURATIVE']);
/** Phrase classes only: never reported on their own. */
const CLASS_ONLY: ReadonlySet<Concept> = new Set<Concept>(['POSS', 'REFL', 'SUBJ', 'WORKLOAD']);
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

interface Longest {
  length: number;
  concepts: Concept[];
  value: number;
}

type Kind = 'cue' | 'finding' | 'swallow';
const kindOf = (c: Concept): Kind => (SWALLOWERS.has(c) ? 'swallow' : CUES.has(c) ? 'cue' : 'finding');

export function findOccurrences(lexicon: CompiledLexicon, stream: Stream): Occurrence[] {
  const found: Occurrence[] = [];
  let swallowedUntil = 0;
  let findingUntil = 0;
  let cueUntil = 0;
  for (let i = 0; i < stream.ids.length; i++) {
    if (i < swallowedUntil) continue;
    const best = longestAt(lexicon.phrases, stream, i);
    const swallow = best.swallow.length;
    if (swallow > 0 && swallow >= best.finding.length) {
      swallowedUntil = i + swallow;
      continue;
    }
    const finding = best.finding.length;
    const insideFinding = i < findingUntil;
    if (finding > 0 && !insideFinding) {
      for (const concept of best.finding.concepts)
        found.push({ concept, start: i, end: i + finding, value: best.finding.value });
      findingUntil = i + finding;
    }
    // A cue shorter than a finding at the same place is part of it ("not" in "not breathing").
    const cue = best.cue.length;
    if (cue > 0 && cue >= finding && i >= cueUntil && !insideFinding) {
      for (const concept of best.cue.concepts) {
        if (!CLASS_ONLY.has(concept)) found.push({ concept, start: i, end: i + cue, value: best.cue.value });
      }
      cueUntil = i + cue;
    }
  }
  return found;
}

/** The longest phrase of each kind that starts at `start`. */
function longestAt(root: PhraseNode, stream: Stream, start: number): Record<Kind, Longest> {
  const best: Record<Kind, Longest> = {
    cue: { length: 0, concepts: [], value: Number.NaN },
    finding: { length: 0, concepts: [], value: Number.NaN },
    swallow: { length: 0, concepts: [], value: Number.NaN },
  };
  const stack: Array<[PhraseNode, number, number]> = [[root, start, Number.NaN]];
  while (stack.length > 0) {
    const [node, at, value] = stack.pop() as [PhraseNode, number, number];
    if (node.concepts && at > start) record(best, node.concepts, at - start, value);
    if (at === start && node.sentenceStart && (start === 0 || stream.breaks[start] === Break.Sentence)) {
      stack.push([node.sentenceStart, at, value]);
    }
    if (at >= stream.ids.length || (at > start && stream.breaks[at] !== Break.None)) continue;
    for (const id of stream.ids[at] as number[]) {
      const next = node.words.get(id);
      if (next) stack.push([next, at + 1, value]);
    }
    const number = stream.values[at] as number;
    if (!Number.isNaN(number)) {
      const first = Number.isNaN(value) ? number : value;
      if (node.number) stack.push([node.number, at + 1, first]);
      if (node.year && number >= MIN_YEAR && number <= MAX_YEAR && Number.isInteger(number)) {
        stack.push([node.year, at + 1, first]);
      }
    }
    const classes = stream.classes[at];
    if (classes && node.classes.size > 0) {
      for (const [concept, next] of node.classes) if (classes.has(concept)) stack.push([next, at + 1, value]);
    }
    if (node.gap) pushGap(stack, node.gap, stream, at, value);
  }
  return best;
}

/** A gap: the phrase goes on after zero to GAP_WORDS words, without crossing punctuation. */
function pushGap(
  stack: Array<[PhraseNode, number, number]>,
  gap: PhraseNode,
  stream: Stream,
  at: number,
  value: number,
) {
  stack.push([gap, at, value]);
  for (let k = 1; k <= GAP_WORDS && at + k < stream.ids.length; k++) {
    if (stream.breaks[at + k] !== Break.None) break;
    stack.push([gap, at + k, value]);
  }
}

function record(best: Record<Kind, Longest>, concepts: readonly Concept[], length: number, value: number): void {
  for (const concept of concepts) {
    const slot = best[kindOf(concept)];
    if (length > slot.length) {
      slot.length = length;
      slot.concepts = [concept];
      slot.value = value;
    } else if (length === slot.length && !slot.concepts.includes(concept)) {
      slot.concepts.push(concept);
    }
  }
}
