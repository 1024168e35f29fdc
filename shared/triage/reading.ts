/**
 * Reads each finding in its context, as a clinician would: is it negated ("no chest pain", but
 * not past a comma or "but"), over ("last week", "fine now"), habitual ("every time I run"), about
 * an animal, or not happening at all ("what are the signs of", "is it normal", "if he stops
 * breathing")? A present marker ("now", "he is", "my dad has") brings a finding back into the
 * present. Every question is answered from sorted lists and per-clause flags: no scan per finding.
 */
import { ConceptLists } from './concept-lists.js';
import { type Concept, CUE_CONCEPTS } from './concepts.js';
import type { Occurrence } from './matcher.js';
import { firstFrom } from './positions.js';
import { Break } from './tokenise.js';

/** How many words after a negation it still reaches (within its clause). */
const NEGATION_REACH = 6;

interface Place {
  clause: number;
  /** Like clause, but cut by punctuation only ("a panic attack and a heart attack" is one). */
  segment: number;
  sentence: number;
}

interface Cue extends Place {
  concept: Concept;
  start: number;
  end: number;
}

/**
 * Names of a condition ("a stroke", "sepsis", "a heart attack"): told of no one (no person, no
 * "now", no call for help anywhere in the message), they are a topic, not an emergency.
 */
const NAMES: ReadonlySet<Concept> = new Set<Concept>([
  'HEART_ATTACK',
  'STROKE',
  'ANAPHYLAXIS',
  'SEPSIS',
  'MENINGITIS',
  'PE',
  'AORTA',
  'DKA',
  'HEATSTROKE',
  'HYPOTHERMIA',
  'CAUDA',
  'APPENDICITIS',
  'TORSION',
]);
const PERSON_CUES: readonly Concept[] = ['PERSONAL', 'PRESENT_SUBJ', 'NOW', 'URGENT_NEED', 'CHILD', 'BABY'];

/** 'recent': past, but told with "yesterday" or "last night" only (a setting that still stands). */
export type Status = 'present' | 'negated' | 'past' | 'recent' | 'resolved' | 'habit' | 'hypothetical' | 'animal';

const CUE_SET: ReadonlySet<Concept> = new Set<Concept>(CUE_CONCEPTS);

export function isCueConcept(concept: Concept): boolean {
  return CUE_SET.has(concept);
}

/** Index of the last cue starting before `position` (-1 if none); the list is sorted by start. */
const lastBefore = (list: readonly Cue[], position: number) => firstFrom(list, position) - 1;

const NO_BREAK: Break = Break.None;
const SENTENCE_BREAK: Break = Break.Sentence;
/** The cues the reader asks "is there one in this clause / sentence?" about. */
const INDEXED: readonly Concept[] = [
  'NOW',
  'PAST',
  'RECENT',
  'PAST_VERB',
  'HABIT',
  'PET',
  'FINE',
  'HYPO_SENT',
  'FRAME',
  'PRESENT_SUBJ',
  'DEBT_IDIOM',
  'BLOCKED_NOSE',
  'JOKE',
];

/** Farewells and despair are a person's, even beside a pet ("look after the dog for me" is a warning sign). */
const HUMAN_ONLY: ReadonlySet<Concept> = new Set<Concept>([
  'GOODBYE',
  'FAREWELL_NOTE',
  'HOPELESS',
  'INTENT',
  'UNREACHABLE',
]);

/**
 * Findings a laugh in the same sentence turns into a joke ("worst headache of my life lmao", "cant
 * breathe haha"): names of conditions and the words of hyperbole, not injuries. A suppressor for a
 * whole sentence, so keep it narrow: never suicide, unresponsiveness or choking ("i want to kill
 * myself lol" is how some teenagers say it).
 */
const JOKED: ReadonlySet<Concept> = new Set<Concept>([
  // Names of conditions, but those nobody uses as hyperbole.
  ...[...NAMES].filter((name) => name !== 'DKA' && name !== 'CAUDA' && name !== 'TORSION'),
  'THUNDERCLAP',
  'VERY_UNWELL',
  'SEVERE_BREATHING',
  'BREATHLESS',
  'DROWN',
]);

/** Babies and children: a blocked nose does not explain away their breathing trouble. */
const YOUNG: ReadonlySet<Concept> = new Set<Concept>([
  'BABY',
  'NEWBORN',
  'CHILD',
  'AGE_DAYS',
  'AGE_WEEKS',
  'AGE_MONTHS',
]);

/** Breathing words an idiom of debts or work borrows ("up to my neck in debt, I'm drowning"). */
const IDIOM_BREATH: ReadonlySet<Concept> = new Set<Concept>([
  'BREATHLESS',
  'SEVERE_BREATHING',
  'CHOKING',
  'DROWN',
  'SUBMERGED',
]);

/**
 * Signs no idiom borrows: beside them, "drowning in work" or "this exam is killing me" does not
 * explain away a breathing word in the same sentence (blue lips are not a workload).
 */
const NOT_IDIOM: ReadonlySet<Concept> = new Set<Concept>([
  'BLUE',
  'LIPS_SKIN',
  'UNRESPONSIVE',
  'NOT_BREATHING',
  'COLLAPSE',
  'RETRACTIONS',
]);

/**
 * Findings whose danger outlasts feeling well (a paracetamol overdose, an electric shock, water
 * breathed in): "fine now" does not resolve them; past and hypothetical still apply.
 */
const PERSISTS: ReadonlySet<Concept> = new Set<Concept>([
  'OVERDOSE',
  'PILLS_COUNT',
  'BULK',
  'TOOK',
  'SWALLOWED',
  'POISON',
  'ELECTRIC',
  'SUBMERGED',
  'DROWN',
  'PULLED_OUT',
  'STAB',
  'GUNSHOT',
]);

/** One bit per INDEXED cue (31 at most), for the per-clause and per-sentence flags. */
const INDEXED_BIT = new Map<Concept, number>(INDEXED.map((concept, k) => [concept, 1 << k]));

/** Per-segment flags (a segment is a stretch of text to a comma). A present subject: "and" carries it on ("he is breathless and his calf hurts"). */
const PRESENT_SUBJECT = 1;
/** A verb told in the present ("and is gasping"): out of an earlier clause's past frame. */
const PRESENT_TENSE = 2;
/** A question ("is it normal"). */
const ASKING = 4;

/** `array` when it holds `size` entries, else a larger one: the Reader's arrays are kept between texts. */
const atLeastInt = (array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> =>
  array.length >= size ? array : new Int32Array(Math.max(size, 2 * array.length));
const atLeastByte = (array: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer> =>
  array.length >= size ? array : new Uint8Array(Math.max(size, 2 * array.length));

/** A finding starts inside the cue and goes on past it: the cue's words are the finding's. */
function partOfFinding(occurrences: readonly Occurrence[], cue: Cue): boolean {
  for (let k = firstFrom(occurrences, cue.start); k < occurrences.length; k++) {
    const o = occurrences[k] as Occurrence;
    if (o.start >= cue.end) return false;
    if (!isCueConcept(o.concept) && o.end > cue.end) return true;
  }
  return false;
}

/** Both lists (sorted by start) merged into `into`, the first list's cue first on a tie (as a stable sort would). */
function mergeByStart(a: readonly Cue[], b: readonly Cue[], into: Cue[]): void {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.start <= y.start)) {
      into[n++] = x;
      i++;
    } else {
      into[n++] = y as Cue;
      j++;
    }
  }
  // Cut, not emptied first: emptying frees the array's storage.
  into.length = n;
}

/**
 * One Reader per language serves every text (the triage is synchronous): `read` overwrites what
 * the last text left, and its typed arrays and cue objects are kept, so a text allocates little.
 */
export class Reader {
  /** Per position: clause, segment and sentence numbers. */
  private clause = new Int32Array(0);
  private segment = new Int32Array(0);
  private sentence = new Int32Array(0);
  /** Where each clause starts; the first `clauses` entries are this text's. */
  private clauseStarts = new Int32Array(0);
  private clauses = 0;
  /** Per clause and per sentence: the INDEXED cues in it (a bit each). */
  private clauseCues = new Int32Array(0);
  private sentenceCues = new Int32Array(0);
  /** Per segment (a stretch of text to a comma): PRESENT_SUBJECT, PRESENT_TENSE, ASKING. */
  private segmentFlags = new Uint8Array(0);
  private readonly lists = new ConceptLists<Cue>();
  /** Cue objects, recycled: the first `cueCount` are this text's. */
  private readonly cuePool: Cue[] = [];
  private cueCount = 0;
  /** This text's positions, plus two: the length of every per-clause and per-sentence array in use. */
  private size = 0;
  /** Present subjects and "now", and the same with possessives: what makes a question about someone real. */
  private readonly realMarkers: Cue[] = [];
  private readonly realOrPersonal: Cue[] = [];
  /** Per sentence: the last clause a "fine now" in that sentence or the next one resolves (-1: none). */
  private resolvedUpTo = new Int32Array(0);
  /** Per sentence: where its last relapse ("then another one started") starts (-1: none). */
  private lastRelapse = new Int32Array(0);
  private urgentNeed = false;
  /** A person, "now" or a call for help somewhere in the message. */
  private someone = false;
  private pastFrame = new Uint8Array(0);
  /** A baby or a child is told of somewhere in the message. */
  private young = false;
  /** Per sentence: 1 when it has a sign no idiom borrows (blue, unresponsive, not breathing). */
  private unborrowable = new Uint8Array(0);
  /** Per clause and sentence: all its past cues are recent ones; worked out on first need per text. */
  private recentClauses = new Uint8Array(0);
  private recentSentences = new Uint8Array(0);
  private recentKnown = false;
  /** The place of the finding being read: one object, overwritten by each `placeAt`. */
  private readonly place: Place = { clause: 0, segment: 0, sentence: 0 };

  /** Reads a new text's cues; what the last text left is overwritten. */
  read(breaks: readonly Break[], occurrences: readonly Occurrence[]): void {
    // Clauses and sentences are fewer than positions; one more is asked about ("the next sentence").
    const size = breaks.length + 2;
    this.clauseCues = atLeastInt(this.clauseCues, size).fill(0, 0, size);
    this.sentenceCues = atLeastInt(this.sentenceCues, size).fill(0, 0, size);
    this.segmentFlags = atLeastByte(this.segmentFlags, size).fill(0, 0, size);
    this.recentKnown = false;
    this.young = false;
    for (const o of occurrences) if (YOUNG.has(o.concept)) this.young = true;
    this.size = size;
    this.collectCues(occurrences);
    this.markPlaces(breaks);
    this.indexCues();
    mergeByStart(this.list('PRESENT_SUBJ'), this.list('NOW'), this.realMarkers);
    mergeByStart(this.realMarkers, this.list('PERSONAL'), this.realOrPersonal);
    this.urgentNeed = this.list('URGENT_NEED').length > 0;
    this.someone = false;
    for (const c of PERSON_CUES) if (this.list(c).length > 0) this.someone = true;
    this.markPastFrames(breaks.length > 0 ? (this.sentence[breaks.length - 1] as number) + 1 : 1);
    this.recoveries(occurrences, size);
    this.markUnborrowable(occurrences);
  }

  /** The sentences with a sign no idiom borrows: "drowning in work" does not explain away blue lips. */
  private markUnborrowable(occurrences: readonly Occurrence[]): void {
    this.unborrowable = atLeastByte(this.unborrowable, this.size).fill(0, 0, this.size);
    for (const o of occurrences) if (NOT_IDIOM.has(o.concept)) this.unborrowable[this.sentence[o.start] ?? 0] = 1;
  }

  /** A sentence told in the past without "now", or one that carries on the last one's past with a past verb. */
  private markPastFrames(sentences: number): void {
    this.pastFrame = atLeastByte(this.pastFrame, this.size);
    for (let s = 0; s < sentences; s++) {
      const now = this.inSentence('NOW', s);
      const own = this.inSentence('PAST', s) && !now;
      const carried = s > 0 && this.pastFrame[s - 1] === 1 && !now && this.inSentence('PAST_VERB', s);
      this.pastFrame[s] = own || carried ? 1 : 0;
    }
  }

  /** The cue occurrences, as recycled Cue objects, into per-concept lists in text order. */
  private collectCues(occurrences: readonly Occurrence[]): void {
    this.lists.clear();
    this.cueCount = 0;
    for (const o of occurrences) if (isCueConcept(o.concept)) this.lists.add(o.concept, this.cueOf(o));
    this.lists.finish();
  }

  /** A recycled Cue for the occurrence; its place is filled in by `markPlaces`. */
  private cueOf(o: Occurrence): Cue {
    let cue = this.cuePool[this.cueCount];
    if (!cue) {
      cue = { concept: o.concept, start: 0, end: 0, clause: 0, segment: 0, sentence: 0 };
      this.cuePool.push(cue);
    }
    this.cueCount++;
    cue.concept = o.concept;
    cue.start = o.start;
    cue.end = o.end;
    return cue;
  }

  /** A clause-break word starts a new clause; punctuation a new clause and segment; a sentence end all three. */
  private markPlaces(breaks: readonly Break[]): void {
    const n = breaks.length;
    this.clause = atLeastInt(this.clause, n);
    this.segment = atLeastInt(this.segment, n);
    this.sentence = atLeastInt(this.sentence, n);
    this.clauseStarts = atLeastInt(this.clauseStarts, n + 1);
    const breakWords = this.list('CLAUSE_BREAK');
    let nextBreakWord = 0;
    let clause = 0;
    let segment = 0;
    let sentence = 0;
    this.clauseStarts[0] = 0;
    this.clauses = 1;
    for (let i = 0; i < n; i++) {
      while ((breakWords[nextBreakWord]?.start ?? n) < i) nextBreakWord++;
      const breakWord = breakWords[nextBreakWord]?.start === i;
      const brk = breaks[i];
      if (i > 0 && brk === SENTENCE_BREAK) sentence++;
      if (i > 0 && brk !== NO_BREAK) segment++;
      if (i > 0 && (brk !== NO_BREAK || breakWord)) {
        clause++;
        this.clauseStarts[this.clauses++] = i;
      }
      this.clause[i] = clause;
      this.segment[i] = segment;
      this.sentence[i] = sentence;
    }
    for (let k = 0; k < this.cueCount; k++) {
      const cue = this.cuePool[k] as Cue;
      cue.clause = this.clause[cue.start] ?? 0;
      cue.segment = this.segment[cue.start] ?? 0;
      cue.sentence = this.sentence[cue.start] ?? 0;
    }
  }

  /** Which INDEXED cues each clause and sentence holds; which segments are told in the present, or asked. */
  private indexCues(): void {
    for (const concept of INDEXED) {
      const bit = INDEXED_BIT.get(concept) as number;
      for (const cue of this.list(concept)) {
        this.clauseCues[cue.clause] = (this.clauseCues[cue.clause] as number) | bit;
        this.sentenceCues[cue.sentence] = (this.sentenceCues[cue.sentence] as number) | bit;
      }
    }
    this.flagSegments('PRESENT_SUBJ', PRESENT_SUBJECT);
    this.flagSegments('PRESENT_VERB', PRESENT_TENSE);
    this.flagSegments('HYPO_SENT', ASKING);
  }

  private flagSegments(concept: Concept, flag: number): void {
    for (const cue of this.list(concept))
      this.segmentFlags[cue.segment] = (this.segmentFlags[cue.segment] as number) | flag;
  }

  private inSegment(flag: number, segment: number): boolean {
    return ((this.segmentFlags[segment] ?? 0) & flag) !== 0;
  }

  /**
   * Per sentence, the last clause a recovery reaches: "He collapsed. He is fine now." resolves its
   * own sentence and the one before; a "got better" told of the past resolves nothing now, nor does
   * a cue that starts a longer finding ("has stopped shivering") or one a relapse follows ("it
   * stopped, then another one started").
   */
  private recoveries(occurrences: readonly Occurrence[], size: number): void {
    this.resolvedUpTo = atLeastInt(this.resolvedUpTo, size).fill(-1, 0, size);
    const recoveries = this.list('RESOLVED');
    if (recoveries.length === 0) return;
    this.lastRelapse = atLeastInt(this.lastRelapse, size).fill(-1, 0, size);
    for (const o of occurrences) if (o.concept === 'REPEAT') this.lastRelapse[this.sentence[o.start] ?? 0] = o.start;
    for (const r of recoveries) {
      if (this.pastFrame[r.sentence] === 1 || partOfFinding(occurrences, r)) continue;
      if ((this.lastRelapse[r.sentence] ?? -1) >= r.end) continue;
      this.resolveUpTo(r.sentence, r.clause);
      if (r.sentence > 0) this.resolveUpTo(r.sentence - 1, r.clause);
    }
  }

  private resolveUpTo(sentence: number, clause: number): void {
    this.resolvedUpTo[sentence] = Math.max(this.resolvedUpTo[sentence] ?? -1, clause);
  }

  statusOf(finding: Occurrence): Status {
    const place = this.placeAt(finding.start);
    if (this.negated(finding, place)) return 'negated';
    if (!HUMAN_ONLY.has(finding.concept) && this.animal(finding, place)) return 'animal';
    const clauseNow = this.inClause('NOW', place.clause);
    const resolved = (this.resolvedUpTo[place.sentence] ?? -1) >= place.clause || this.inClause('FINE', place.clause);
    if (!clauseNow && resolved && !PERSISTS.has(finding.concept)) return 'resolved';
    // Another clause's "ten days ago" does not reach a clause told in the present ("she is breathless").
    const framedPast =
      this.pastFrame[place.sentence] === 1 && !this.inSegment(PRESENT_SUBJECT | PRESENT_TENSE, place.segment);
    if (!clauseNow && (this.inClause('PAST', place.clause) || framedPast))
      return this.recent(place) ? 'recent' : 'past';
    // "still ... sometimes": a habit wins over a present marker.
    if (this.inClause('HABIT', place.clause)) return 'habit';
    if (this.hypothetical(finding, place, clauseNow)) return 'hypothetical';
    if (JOKED.has(finding.concept) && this.inSentence('JOKE', place.sentence) && !this.urgentNeed)
      return 'hypothetical';
    // "drowning in debt", "my nose is so blocked I can't breathe": not a breathing emergency (but a
    // baby breathes through its nose: a blocked one that struggles to breathe is one)
    const breathBorrowed =
      this.inSentence('DEBT_IDIOM', place.sentence) || (this.inSentence('BLOCKED_NOSE', place.sentence) && !this.young);
    if (
      IDIOM_BREATH.has(finding.concept) &&
      breathBorrowed &&
      !this.urgentNeed &&
      this.unborrowable[place.sentence] !== 1
    ) {
      return 'hypothetical';
    }
    return 'present';
  }

  /**
   * About an animal: a pet in the finding's clause, unless someone of the writer's own is named
   * between them ("my dog knocked the kettle onto my toddler, his arm..."); or a pet that opened the
   * sentence, with no person named or referred to between it and the finding ("minha cachorra
   * comeu veneno de rato e tá vomitando sangue").
   */
  private animal(finding: Occurrence, place: Place): boolean {
    const pets = this.list('PET');
    const pet = pets[lastBefore(pets, finding.start)];
    const kin = this.list('KIN');
    const kinBefore = kin[lastBefore(kin, finding.start)];
    if (this.inClause('PET', place.clause))
      return !(pet && pet.clause === place.clause && kinBefore && kinBefore.start >= pet.end);
    if (!pet || pet.sentence !== place.sentence || kinBefore?.sentence === place.sentence) return false;
    if (!this.opensSentence(pet)) return false;
    const personal = this.list('PERSONAL');
    const person = personal[firstFrom(personal, pet.end)];
    return !(person && person.start < finding.start);
  }

  /** The cue is in the first stretch of its sentence (no punctuation before it in the sentence). */
  private opensSentence(cue: Cue): boolean {
    for (let i = cue.start - 1; i >= 0 && this.sentence[i] === cue.sentence; i--)
      if (this.segment[i] !== cue.segment) return false;
    return true;
  }

  /** Every past cue of the finding's clause (or, framed, of its sentence) is a recent one ("yesterday"). */
  private recent(place: Place): boolean {
    if (!this.recentKnown) this.findRecentOnly();
    return this.inClause('PAST', place.clause)
      ? this.recentClauses[place.clause] === 1
      : this.recentSentences[place.sentence] === 1;
  }

  /** The clauses and sentences whose past cues are all recent ones, worked out once per text. */
  private findRecentOnly(): void {
    const size = this.size;
    this.recentClauses = atLeastByte(this.recentClauses, size).fill(0, 0, size);
    this.recentSentences = atLeastByte(this.recentSentences, size).fill(0, 0, size);
    const recent = this.list('RECENT');
    for (const c of recent) {
      this.recentClauses[c.clause] = 1;
      this.recentSentences[c.sentence] = 1;
    }
    for (const c of this.list('PAST')) {
      if (recent[firstFrom(recent, c.start)]?.start === c.start) continue;
      this.recentClauses[c.clause] = 0;
      this.recentSentences[c.sentence] = 0;
    }
    this.recentKnown = true;
  }

  /** The place of a position, in the one Place object: valid until the next call. */
  private placeAt(position: number): Place {
    const place = this.place;
    place.clause = this.clause[position] ?? 0;
    place.segment = this.segment[position] ?? 0;
    place.sentence = this.sentence[position] ?? 0;
    return place;
  }

  private list(concept: Concept): readonly Cue[] {
    return this.lists.get(concept);
  }

  private inClause(concept: Concept, clause: number): boolean {
    return ((this.clauseCues[clause] ?? 0) & (INDEXED_BIT.get(concept) ?? 0)) !== 0;
  }

  private inSentence(concept: Concept, sentence: number): boolean {
    return ((this.sentenceCues[sentence] ?? 0) & (INDEXED_BIT.get(concept) ?? 0)) !== 0;
  }

  /** The nearest negation before the finding, in its clause and within reach. */
  private negated(finding: Occurrence, place: Place): boolean {
    const negations = this.list('NEG');
    for (let k = lastBefore(negations, finding.start); k >= 0; k--) {
      const n = negations[k] as Cue;
      if (n.end > finding.start) continue; // overlaps the finding: part of another phrase
      return n.clause === place.clause && finding.start - n.end <= NEGATION_REACH;
    }
    return false;
  }

  private hypothetical(finding: Occurrence, place: Place, clauseNow: boolean): boolean {
    // "in the game my character keeps drowning": a "now" inside the frame's own clause is the story's
    // "do you still do rescue breaths if the person isn't breathing": a "now" before the "if" stays outside it
    if (clauseNow && !this.nowOnlyBeforeIf(finding, place)) return this.framedInClause(finding, place);
    if (this.framed(finding, place)) return true;
    if (!this.someone && NAMES.has(finding.concept)) return true;
    // "Is it serious?" after "my dad can't move his arm," asks about someone real: only a question
    // in the finding's own stretch of text ("can anxiety cause chest pain") makes it hypothetical.
    // A finding told with a present verb before the question ("is floppy and grey, is it normal for a newborn to be this sleepy") is told too.
    const toldApart =
      this.inSegment(PRESENT_SUBJECT | PRESENT_TENSE, place.segment) && !this.inSegment(ASKING, place.segment);
    if (
      this.inSentence('HYPO_SENT', place.sentence) &&
      !toldApart &&
      !this.urgentNeed &&
      !this.inSentence('NOW', place.sentence) &&
      // "Is it normal for a testicle to swell? Been 2 hours." – told now, right after the question
      !this.inSentence('NOW', place.sentence + 1) &&
      !this.kinAsked(finding, place)
    ) {
      return true;
    }
    // The nearest cue before the finding decides: a present marker after it covers any earlier cue too.
    const ifCue = this.nearestInSentence('HYPO_IF', finding, place);
    if (ifCue && !this.realAfter(ifCue, place, false, finding.start) && !this.kinAfterFrame(ifCue, finding))
      return true;
    const howCue = this.nearestInSentence('HYPO_HOW', finding, place);
    // A how-to or a question word reaches the rest of its own stretch of text (to a comma) only.
    return (
      howCue !== undefined &&
      howCue.segment === place.segment &&
      !this.urgentNeed &&
      !this.realAfter(howCue, place, true)
    );
  }

  /**
   * A film, a game, a dream, the news, a course: what follows it to the end of the message, until
   * someone real and present is described after it, someone of the writer's own is named ("my
   * husband"), or help is asked for.
   */
  private framed(finding: Occurrence, place: Place): boolean {
    if (this.urgentNeed) return false;
    const frames = this.list('FRAME');
    const kin = this.list('KIN');
    const frame = frames[lastBefore(frames, finding.start)];
    if (frame) {
      const kinAfter = kin[firstFrom(kin, frame.end)];
      return !this.realAfter(frame, place, false, finding.start) && !(kinAfter && kinAfter.start < finding.start);
    }
    // A frame later in the sentence ("... drowns in the new series") covers what came before it,
    // unless someone of the writer's own is named first ("my son fell in while we watched a film").
    const later = frames[firstFrom(frames, finding.end)];
    const kinBefore = kin[lastBefore(kin, finding.start)];
    return (
      later !== undefined &&
      later.sentence === place.sentence &&
      !this.inSentence('NOW', place.sentence) &&
      kinBefore?.sentence !== place.sentence
    );
  }

  /**
   * A cue that is also a frame ("first aid course", "curso de socorrismo") ends, like a frame, where
   * someone of the writer's own is named after it: "during the course my colleague collapsed".
   */
  private kinAfterFrame(cue: Cue, finding: Occurrence): boolean {
    const frames = this.list('FRAME');
    const frame = frames[lastBefore(frames, cue.end)];
    if (!frame || frame.end <= cue.start) return false;
    const kin = this.list('KIN');
    const named = kin[firstFrom(kin, Math.max(cue.end, frame.end))];
    return named !== undefined && named.start < finding.start;
  }

  /** An "if" before the finding in its clause, and every "now" of that clause before the "if". */
  private nowOnlyBeforeIf(finding: Occurrence, place: Place): boolean {
    const ifCue = this.nearestInSentence('HYPO_IF', finding, place);
    if (!ifCue || ifCue.clause !== place.clause) return false;
    const nows = this.list('NOW');
    const after = nows[firstFrom(nows, ifCue.end)];
    return !(after && after.clause === place.clause);
  }

  /**
   * A frame earlier in the finding's own clause ("my character keeps drowning"), with no one of the
   * writer's own and no present subject between ("watching a film now I have chest pain"), no call for help.
   */
  private framedInClause(finding: Occurrence, place: Place): boolean {
    if (this.urgentNeed) return false;
    const frames = this.list('FRAME');
    const frame = frames[lastBefore(frames, finding.start)];
    if (!frame || frame.clause !== place.clause) return false;
    return (
      !this.namedBetween('KIN', frame.end, finding.start) &&
      !this.namedBetween('PRESENT_SUBJ', frame.end, finding.start)
    );
  }

  /** A cue of the concept starts at or after `from` and before `to`. */
  private namedBetween(concept: Concept, from: number, to: number): boolean {
    const list = this.list(concept);
    const after = list[firstFrom(list, from)];
    return after !== undefined && after.start < to;
  }

  /** "Is it normal that my baby (5 weeks) is so limp?": someone of the writer's own named after the question, before the finding. */
  private kinAsked(finding: Occurrence, place: Place): boolean {
    const asks = this.list('HYPO_SENT');
    const ask = asks[lastBefore(asks, finding.start)];
    if (!ask || ask.sentence !== place.sentence) return false;
    const kin = this.list('KIN');
    const named = kin[firstFrom(kin, ask.end)];
    return named !== undefined && named.start < finding.start && named.sentence === place.sentence;
  }

  private nearestInSentence(concept: Concept, finding: Occurrence, place: Place): Cue | undefined {
    const list = this.list(concept);
    const cue = list[lastBefore(list, finding.start + 1)];
    return cue && cue.sentence === place.sentence ? cue : undefined;
  }

  /**
   * True when someone real and present is described between the cue and the finding: a present
   * subject or "now" in a later clause than the cue's (after a how-to, anywhere after it, a
   * possessive too), up to the finding's clause. With `before`, the marker must start before it:
   * the finding's own verb ("... faints and has no pulse") is still the hypothetical's.
   */
  private realAfter(cue: Cue, place: Place, sameClauseToo: boolean, before = Number.POSITIVE_INFINITY): boolean {
    const markers = sameClauseToo ? this.realOrPersonal : this.realMarkers;
    const from = sameClauseToo ? cue.end : Math.max(cue.end, this.clauseStart(cue.clause + 1));
    const first = markers[lastBefore(markers, from) + 1];
    return first !== undefined && first.clause <= place.clause && first.start < before;
  }

  /** Where a clause starts; past the last clause, nowhere. */
  private clauseStart(clause: number): number {
    return clause < this.clauses ? (this.clauseStarts[clause] as number) : Number.POSITIVE_INFINITY;
  }
}
