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
const CLASS_ONLY: ReadonlySet<Concept> = new Set<Concept>(['POSS', 'REFL', 'SUBJ', 'WORKLOAD', 'THING']);
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

interface Longest {
  length: number;
  /** The first `count` entries are this walk's; the array is kept between walks (no garbage). */
  concepts: Concept[];
  count: number;
  /** Stream position of the phrase's first number, -1 when none (an integer: never boxed, unlike a number read). */
  numberAt: number;
}

/**
 * Frames (an animal, a film, a course) and present subjects are each read beside the other cues
 * and findings: "my rabbit isnt" is both; "il a du mal a respirer" is a finding told in the present;
 * a time of onset ("since this morning") is a finding and still the time cue it also is.
 */
const FRAMES: ReadonlySet<Concept> = new Set<Concept>(['PET', 'FRAME', 'KIN']);

type Kind = 'cue' | 'finding' | 'swallow' | 'frame' | 'subject' | 'onset';
const KIND_OF = new Map<Concept, Kind>();
const kindOf = (c: Concept): Kind => {
  let kind = KIND_OF.get(c);
  if (!kind) {
    kind = SWALLOWERS.has(c)
      ? 'swallow'
      : FRAMES.has(c)
        ? 'frame'
        : c === 'PRESENT_SUBJ' || c === 'PRESENT_VERB'
          ? 'subject'
          : c === 'NEW_ONSET'
            ? 'onset'
            : CUES.has(c)
              ? 'cue'
              : 'finding';
    KIND_OF.set(c, kind);
  }
  return kind;
};

/**
 * The occurrences of one reading, kept between calls (the triage is synchronous and no occurrence
 * outlives its call): objects and array are overwritten, so a call allocates only when its text
 * has more occurrences than any before it.
 */
export class Occurrences {
  private readonly list: Occurrence[] = [];
  private readonly pool: Occurrence[] = [];
  private count = 0;
  /** The numbers of the stream being read. */
  private values: readonly number[] = [];

  clear(stream: Stream): void {
    this.count = 0;
    this.values = stream.values;
  }

  /**
   * `numberAt`: where the phrase's first number is (-1: none). A position, not the number: a
   * number passed to a function that is not inlined is boxed on every call.
   */
  add(concept: Concept, start: number, end: number, numberAt: number): void {
    const value = numberAt < 0 ? Number.NaN : (this.values[numberAt] as number);
    let o = this.pool[this.count];
    if (o) {
      o.concept = concept;
      o.start = start;
      o.end = end;
      o.value = value;
    } else {
      o = { concept, start, end, value };
      this.pool.push(o);
    }
    this.list[this.count++] = o;
  }

  /** This call's occurrences, valid until the next `clear` (cut, not emptied: emptying frees the array's storage). */
  finish(): readonly Occurrence[] {
    this.list.length = this.count;
    return this.list;
  }
}

/** The phrases of the stream, in `found` (cleared first); valid until its next use. */
export function findOccurrences(lexicon: CompiledLexicon, stream: Stream, found: Occurrences): readonly Occurrence[] {
  found.clear(stream);
  let swallowedUntil = 0;
  let findingUntil = 0;
  let cueUntil = 0;
  let frameUntil = 0;
  let subjectUntil = 0;
  let onsetUntil = 0;
  for (let i = 0; i < stream.ids.length; i++) {
    if (i < swallowedUntil || !canStart(lexicon.phrases, stream, i)) continue;
    const best = longestAt(lexicon.phrases, stream, i);
    const swallow = best.swallow.length;
    if (swallow > 0 && swallow >= best.finding.length) {
      swallowedUntil = i + swallow;
      continue;
    }
    const finding = best.finding.length;
    const insideFinding = i < findingUntil;
    if (finding > 0 && !insideFinding) {
      const slot = best.finding;
      for (let k = 0; k < slot.count; k++) found.add(slot.concepts[k] as Concept, i, i + finding, slot.numberAt);
      findingUntil = i + finding;
    }
    // A cue shorter than a finding at the same place is part of it ("not" in "not breathing").
    const cue = best.cue.length;
    if (cue > 0 && cue >= finding && i >= cueUntil && !insideFinding) {
      const slot = best.cue;
      for (let k = 0; k < slot.count; k++) {
        const concept = slot.concepts[k] as Concept;
        if (!CLASS_ONLY.has(concept)) found.add(concept, i, i + cue, slot.numberAt);
      }
      cueUntil = i + cue;
    }
    frameUntil = pushSide(found, best.frame, i, frameUntil);
    subjectUntil = pushSide(found, best.subject, i, subjectUntil);
    onsetUntil = pushSide(found, best.onset, i, onsetUntil);
  }
  return found.finish();
}

/** A side reading (a frame, a present subject, a time of onset) is reported whatever else covers its words; returns where it ends. */
function pushSide(found: Occurrences, slot: Longest, i: number, until: number): number {
  if (slot.length === 0 || i < until) return until;
  for (let k = 0; k < slot.count; k++) found.add(slot.concepts[k] as Concept, i, i + slot.length, -1);
  return i + slot.length;
}

const atSentenceStart = (stream: Stream, i: number) => i === 0 || stream.breaks[i] === SENTENCE_BREAK;

/** Whether any phrase can begin at i: most words begin none, and are passed over at once. */
function canStart(root: PhraseNode, stream: Stream, i: number): boolean {
  if (root.sentenceStart && atSentenceStart(stream, i)) return true;
  for (const id of stream.ids[i] as readonly number[]) if (root.words.has(id)) return true;
  if (!Number.isNaN(stream.values[i] as number) && (root.number || root.year)) return true;
  const classes = stream.classes[i];
  if (classes) for (const concept of root.classConcepts) if (classes.has(concept)) return true;
  return root.gap !== undefined;
}

/**
 * The walk's stack, reused between calls (the matcher is synchronous): node, position, and where
 * the phrase's first number is (-1: none). Integers only: a number carried along the walk was
 * boxed on every step.
 */
const stackNodes: PhraseNode[] = [];
const stackAts: number[] = [];
const stackNumberAts: number[] = [];
let top = 0;

function push(node: PhraseNode, at: number, numberAt: number): void {
  stackNodes[top] = node;
  stackAts[top] = at;
  stackNumberAts[top] = numberAt;
  top++;
}

/** Read once: an enum imported from another module is a property lookup on every use. */
const NO_BREAK: Break = Break.None;
const SENTENCE_BREAK: Break = Break.Sentence;
const GAP: number = GAP_WORDS;

/** The longest phrase of each kind found by the last walk, reused between calls. */
const emptySlot = (): Longest => ({ length: 0, concepts: [], count: 0, numberAt: -1 });
const BEST: Record<Kind, Longest> = {
  cue: emptySlot(),
  finding: emptySlot(),
  swallow: emptySlot(),
  frame: emptySlot(),
  subject: emptySlot(),
  onset: emptySlot(),
};

/** The longest phrase of each kind that starts at `start` (in BEST, valid until the next call). */
function longestAt(root: PhraseNode, stream: Stream, start: number): Record<Kind, Longest> {
  const best = BEST;
  reset(best.cue);
  reset(best.finding);
  reset(best.swallow);
  reset(best.frame);
  reset(best.subject);
  reset(best.onset);
  top = 0;
  push(root, start, -1);
  while (top > 0) {
    top--;
    const node = stackNodes[top] as PhraseNode;
    const at = stackAts[top] as number;
    const numberAt = stackNumberAts[top] as number;
    if (node.concepts && at > start) record(best, node.concepts, at - start, numberAt);
    if (at === start && node.sentenceStart && atSentenceStart(stream, start)) push(node.sentenceStart, at, numberAt);
    if (at >= stream.ids.length || (at > start && stream.breaks[at] !== NO_BREAK)) continue;
    for (const id of stream.ids[at] as readonly number[]) {
      const next = node.words.get(id);
      if (next) push(next, at + 1, numberAt);
    }
    const number = stream.values[at] as number;
    if (!Number.isNaN(number)) {
      const first = numberAt < 0 ? at : numberAt;
      if (node.number) push(node.number, at + 1, first);
      if (node.year && number >= MIN_YEAR && number <= MAX_YEAR && Number.isInteger(number))
        push(node.year, at + 1, first);
    }
    const classes = stream.classes[at];
    if (classes) {
      const concepts = node.classConcepts;
      for (let k = 0; k < concepts.length; k++)
        if (classes.has(concepts[k] as Concept)) push(node.classNodes[k] as PhraseNode, at + 1, numberAt);
    }
    // A gap: the phrase goes on after zero to GAP_WORDS words, without crossing punctuation.
    if (node.gap) {
      push(node.gap, at, numberAt);
      for (let k = 1; k <= GAP && at + k < stream.ids.length; k++) {
        if (stream.breaks[at + k] !== NO_BREAK) break;
        push(node.gap, at + k, numberAt);
      }
    }
  }
  return best;
}

/** Empties a slot for the next walk; its array is kept (no garbage). */
function reset(slot: Longest): void {
  slot.length = 0;
  slot.count = 0;
  slot.numberAt = -1;
}

function record(best: Record<Kind, Longest>, concepts: readonly Concept[], length: number, numberAt: number): void {
  for (const concept of concepts) {
    const slot = best[kindOf(concept)];
    if (length > slot.length) {
      slot.length = length;
      slot.concepts[0] = concept;
      slot.count = 1;
      slot.numberAt = numberAt;
    } else if (length === slot.length && !holdsConcept(slot, concept)) {
      slot.concepts[slot.count++] = concept;
    }
  }
}

function holdsConcept(slot: Longest, concept: Concept): boolean {
  for (let k = 0; k < slot.count; k++) if (slot.concepts[k] === concept) return true;
  return false;
}
