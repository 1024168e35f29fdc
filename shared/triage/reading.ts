/**
 * Reads each finding in its context, as a clinician would: is it negated ("no chest pain", but
 * not past a comma or "but"), over ("last week", "fine now"), habitual ("every time I run"), about
 * an animal, or not happening at all ("what are the signs of", "is it normal", "if he stops
 * breathing")? A present marker ("now", "he is", "my dad has") brings a finding back into the
 * present. Every question is answered from sorted lists and sets: no scan per finding.
 */
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

/** Per position: clause, segment and sentence numbers (typed arrays); where each clause starts. */
interface Places {
  clause: Int32Array;
  segment: Int32Array;
  sentence: Int32Array;
  clauseStarts: number[];
}

/** A clause-break word starts a new clause; punctuation a new clause and segment; a sentence end all three. */
function placesOf(breaks: readonly Break[], cues: readonly Occurrence[]): Places {
  const breakWords = new Set<number>();
  for (const o of cues) if (o.concept === 'CLAUSE_BREAK') breakWords.add(o.start);
  const n = breaks.length;
  const places: Places = {
    clause: new Int32Array(n),
    segment: new Int32Array(n),
    sentence: new Int32Array(n),
    clauseStarts: [0],
  };
  let clause = 0;
  let segment = 0;
  let sentence = 0;
  for (let i = 0; i < n; i++) {
    const brk = breaks[i];
    if (i > 0 && brk === SENTENCE_BREAK) sentence++;
    if (i > 0 && brk !== NO_BREAK) segment++;
    if (i > 0 && (brk !== NO_BREAK || breakWords.has(i))) {
      clause++;
      places.clauseStarts.push(i);
    }
    places.clause[i] = clause;
    places.segment[i] = segment;
    places.sentence[i] = sentence;
  }
  return places;
}

/** A finding starts inside the cue and goes on past it: the cue's words are the finding's. */
function partOfFinding(occurrences: readonly Occurrence[], cue: Cue): boolean {
  for (let k = firstFrom(occurrences, cue.start); k < occurrences.length; k++) {
    const o = occurrences[k] as Occurrence;
    if (o.start >= cue.end) return false;
    if (!isCueConcept(o.concept) && o.end > cue.end) return true;
  }
  return false;
}

export class Reader {
  private readonly places: Places;
  private readonly lists = new Map<Concept, Cue[]>();
  private readonly clausesWith = new Map<Concept, Set<number>>();
  private readonly sentencesWith = new Map<Concept, Set<number>>();
  /** Present subjects and "now", and the same with possessives: what makes a question about someone real. */
  private readonly realMarkers: Cue[];
  private readonly realOrPersonal: Cue[];
  /** Per sentence: the last clause a "fine now" in that sentence or the next one resolves (-1: none). */
  private readonly resolvedUpTo: number[];
  private readonly urgentNeed: boolean;
  /** A person, "now" or a call for help somewhere in the message. */
  private readonly someone: boolean;
  private readonly pastFrame: boolean[] = [];
  /** Stretches of text (to a comma) with a present subject: "and" carries it on ("he is breathless and his calf hurts"). */
  private readonly presentSegments = new Set<number>();
  /** Stretches of text with a verb told in the present ("and is gasping"): out of an earlier clause's past frame. */
  private readonly presentTenseSegments = new Set<number>();
  private readonly askingSegments = new Set<number>();
  /** A baby or a child is told of somewhere in the message. */
  private readonly young: boolean;
  /** Sentences with a sign no idiom borrows (blue, unresponsive, not breathing). */
  private readonly unborrowable = new Set<number>();
  private recentRegions: { clauses: Set<number>; sentences: Set<number> } | undefined;

  constructor(breaks: readonly Break[], occurrences: readonly Occurrence[]) {
    this.young = occurrences.some((o) => YOUNG.has(o.concept));
    const cues = occurrences.filter((o) => isCueConcept(o.concept));
    this.places = placesOf(breaks, cues);
    const { clause, segment, sentence } = this.places;
    for (const o of cues) {
      const at = o.start;
      const cue: Cue = {
        concept: o.concept,
        start: at,
        end: o.end,
        clause: clause[at] ?? 0,
        segment: segment[at] ?? 0,
        sentence: sentence[at] ?? 0,
      };
      this.listOf(o.concept).push(cue);
    }
    for (const concept of INDEXED) {
      for (const cue of this.list(concept)) {
        this.setOf(this.clausesWith, concept).add(cue.clause);
        this.setOf(this.sentencesWith, concept).add(cue.sentence);
      }
    }
    for (const cue of this.list('PRESENT_SUBJ')) this.presentSegments.add(cue.segment);
    for (const cue of this.list('PRESENT_VERB')) this.presentTenseSegments.add(cue.segment);
    for (const cue of this.list('HYPO_SENT')) this.askingSegments.add(cue.segment);
    const byStart = (a: Cue, b: Cue) => a.start - b.start;
    this.realMarkers = [...this.list('PRESENT_SUBJ'), ...this.list('NOW')].sort(byStart);
    this.realOrPersonal = [...this.realMarkers, ...this.list('PERSONAL')].sort(byStart);
    this.urgentNeed = this.list('URGENT_NEED').length > 0;
    this.someone = PERSON_CUES.some((c) => this.list(c).length > 0);
    const sentences = (this.places.sentence[breaks.length - 1] ?? 0) + 1;
    for (let s = 0; s < sentences; s++) {
      const now = this.inSentence('NOW', s);
      const own = this.inSentence('PAST', s) && !now;
      const carried = s > 0 && this.pastFrame[s - 1] === true && !now && this.inSentence('PAST_VERB', s);
      this.pastFrame.push(own || carried);
    }
    this.resolvedUpTo = this.recoveries(occurrences, sentences);
    for (const o of occurrences)
      if (NOT_IDIOM.has(o.concept)) this.unborrowable.add(this.places.sentence[o.start] ?? 0);
  }

  /**
   * Per sentence, the last clause a recovery reaches: "He collapsed. He is fine now." resolves its
   * own sentence and the one before; a "got better" told of the past resolves nothing now, nor does
   * a cue that starts a longer finding ("has stopped shivering") or one a relapse follows ("it
   * stopped, then another one started").
   */
  private recoveries(occurrences: readonly Occurrence[], sentences: number): number[] {
    const upTo = Array.from({ length: sentences }, () => -1);
    const recoveries = this.list('RESOLVED');
    if (recoveries.length === 0) return upTo;
    const lastRelapse = new Map<number, number>();
    for (const o of occurrences) if (o.concept === 'REPEAT') lastRelapse.set(this.placeAt(o.start).sentence, o.start);
    for (const r of recoveries) {
      if (this.pastFrame[r.sentence] || partOfFinding(occurrences, r)) continue;
      if ((lastRelapse.get(r.sentence) ?? -1) >= r.end) continue;
      for (const s of [r.sentence, r.sentence - 1]) if (s >= 0) upTo[s] = Math.max(upTo[s] ?? -1, r.clause);
    }
    return upTo;
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
      this.pastFrame[place.sentence] &&
      !this.presentSegments.has(place.segment) &&
      !this.presentTenseSegments.has(place.segment);
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
      !this.unborrowable.has(place.sentence)
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
    const { segment, sentence } = this.places;
    for (let i = cue.start - 1; i >= 0 && sentence[i] === cue.sentence; i--)
      if (segment[i] !== cue.segment) return false;
    return true;
  }

  /** Every past cue of the finding's clause (or, framed, of its sentence) is a recent one ("yesterday"). */
  private recent(place: Place): boolean {
    const { clauses, sentences } = this.recentOnly;
    return this.inClause('PAST', place.clause) ? clauses.has(place.clause) : sentences.has(place.sentence);
  }

  /** The clauses and sentences whose past cues are all recent ones, worked out once per text. */
  private get recentOnly(): { clauses: Set<number>; sentences: Set<number> } {
    if (this.recentRegions) return this.recentRegions;
    const recentStarts = new Set(this.list('RECENT').map((c) => c.start));
    const clauses = new Set(this.list('RECENT').map((c) => c.clause));
    const sentences = new Set(this.list('RECENT').map((c) => c.sentence));
    for (const c of this.list('PAST')) {
      if (recentStarts.has(c.start)) continue;
      clauses.delete(c.clause);
      sentences.delete(c.sentence);
    }
    this.recentRegions = { clauses, sentences };
    return this.recentRegions;
  }

  private placeAt(position: number): Place {
    const { clause, segment, sentence } = this.places;
    return { clause: clause[position] ?? 0, segment: segment[position] ?? 0, sentence: sentence[position] ?? 0 };
  }

  private list(concept: Concept): Cue[] {
    return this.lists.get(concept) ?? [];
  }

  private listOf(concept: Concept): Cue[] {
    let list = this.lists.get(concept);
    if (!list) {
      list = [];
      this.lists.set(concept, list);
    }
    return list;
  }

  private setOf(map: Map<Concept, Set<number>>, concept: Concept): Set<number> {
    let set = map.get(concept);
    if (!set) {
      set = new Set();
      map.set(concept, set);
    }
    return set;
  }

  private inClause(concept: Concept, clause: number): boolean {
    return this.clausesWith.get(concept)?.has(clause) === true;
  }

  private inSentence(concept: Concept, sentence: number): boolean {
    return this.sentencesWith.get(concept)?.has(sentence) === true;
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
      (this.presentSegments.has(place.segment) || this.presentTenseSegments.has(place.segment)) &&
      !this.askingSegments.has(place.segment);
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
    for (const concept of ['KIN', 'PRESENT_SUBJ'] as const) {
      const list = this.list(concept);
      const after = list[firstFrom(list, frame.end)];
      if (after && after.start < finding.start) return false;
    }
    return true;
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
    const from = sameClauseToo
      ? cue.end
      : Math.max(cue.end, this.places.clauseStarts[cue.clause + 1] ?? Number.POSITIVE_INFINITY);
    const first = markers[lastBefore(markers, from) + 1];
    return first !== undefined && first.clause <= place.clause && first.start < before;
  }
}
