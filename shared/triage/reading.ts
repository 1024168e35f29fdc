/**
 * Reads each finding in its context, as a clinician would: is it negated ("no chest pain", but
 * not past a comma or "but"), over ("last week", "fine now"), habitual ("every time I run"), or
 * not happening at all ("what are the signs of", "is it normal", "if he stops breathing")? A
 * present marker ("now", "he is", "my dad has") brings a finding back into the present.
 */
import { type Concept, CUE_CONCEPTS } from './concepts.js';
import type { Occurrence } from './matcher.js';
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

/** Positions → clause and sentence numbers; a clause-break word starts a new clause. */
function placesOf(breaks: readonly Break[], occurrences: readonly Occurrence[]): Place[] {
  const clauseStarts = new Set<number>();
  for (const o of occurrences) if (o.concept === 'CLAUSE_BREAK') clauseStarts.add(o.start);
  const places: Place[] = [];
  let clause = 0;
  let segment = 0;
  let sentence = 0;
  for (let i = 0; i < breaks.length; i++) {
    if (i > 0 && breaks[i] === Break.Sentence) sentence++;
    if (i > 0 && breaks[i] !== Break.None) segment++;
    if (i > 0 && (breaks[i] !== Break.None || clauseStarts.has(i))) clause++;
    places.push({ clause, segment, sentence });
  }
  return places;
}

class Context {
  readonly cues: Cue[] = [];
  private readonly byConcept = new Map<Concept, Cue[]>();
  readonly sentenceCount: number;
  readonly pastFrame: boolean[] = [];

  constructor(
    readonly places: readonly Place[],
    occurrences: readonly Occurrence[],
    readonly urgentNeed: boolean,
  ) {
    for (const o of occurrences) {
      const place = places[o.start] as Place;
      const cue: Cue = { concept: o.concept, start: o.start, end: o.end, ...place };
      this.cues.push(cue);
      const list = this.byConcept.get(o.concept);
      if (list) list.push(cue);
      else this.byConcept.set(o.concept, [cue]);
    }
    this.sentenceCount = (places[places.length - 1]?.sentence ?? 0) + 1;
    for (let s = 0; s < this.sentenceCount; s++) {
      const now = this.inSentence('NOW', s);
      const own = this.inSentence('PAST', s) && !now;
      const carried = s > 0 && this.pastFrame[s - 1] === true && !now && this.inSentence('PAST_VERB', s);
      this.pastFrame.push(own || carried);
    }
  }

  list(concept: Concept): readonly Cue[] {
    return this.byConcept.get(concept) ?? [];
  }

  inClause(concept: Concept, clause: number): boolean {
    return this.list(concept).some((c) => c.clause === clause);
  }

  inSentence(concept: Concept, sentence: number): boolean {
    return this.list(concept).some((c) => c.sentence === sentence);
  }
}

export type Status = 'present' | 'negated' | 'past' | 'resolved' | 'habit' | 'hypothetical' | 'animal';

export class Reader {
  private readonly context: Context;

  constructor(breaks: readonly Break[], occurrences: readonly Occurrence[]) {
    const cues = occurrences.filter((o) => isCueConcept(o.concept));
    const places = placesOf(breaks, cues);
    this.context = new Context(
      places,
      cues,
      cues.some((c) => c.concept === 'URGENT_NEED'),
    );
  }

  statusOf(finding: Occurrence): Status {
    const c = this.context;
    const place = c.places[finding.start] as Place;
    if (this.negated(finding, place)) return 'negated';
    if (c.inClause('PET', place.clause)) return 'animal';
    const clauseNow = c.inClause('NOW', place.clause);
    if (!clauseNow && c.list('RESOLVED').some((r) => r.clause >= place.clause)) return 'resolved';
    if (!clauseNow && c.inClause('FINE', place.clause)) return 'resolved';
    const clausePast = c.inClause('PAST', place.clause);
    if ((clausePast && !clauseNow) || (c.pastFrame[place.sentence] && !clauseNow)) return 'past';
    // "still ... sometimes": a habit wins over a present marker.
    if (c.inClause('HABIT', place.clause)) return 'habit';
    if (this.hypothetical(finding, place, clauseNow)) return 'hypothetical';
    return 'present';
  }

  private negated(finding: Occurrence, place: Place): boolean {
    return this.context
      .list('NEG')
      .some((n) => n.clause === place.clause && n.end <= finding.start && finding.start - n.end <= NEGATION_REACH);
  }

  private hypothetical(finding: Occurrence, place: Place, clauseNow: boolean): boolean {
    const c = this.context;
    if (c.list('HYPO_SENT').some((h) => h.sentence === place.sentence) && !clauseNow && !c.urgentNeed) {
      if (!c.inSentence('NOW', place.sentence)) return true;
    }
    for (const kind of ['HYPO_IF', 'HYPO_HOW'] as const) {
      for (const h of c.list(kind)) {
        if (h.sentence !== place.sentence || h.start > finding.start) continue;
        if (clauseNow) continue;
        // A how-to or a question word reaches the rest of its own stretch of text (to a comma) only.
        if (kind === 'HYPO_HOW' && (h.segment !== place.segment || c.urgentNeed || this.realAfter(h, finding, true)))
          continue;
        if (kind === 'HYPO_IF' && this.realAfter(h, finding, false)) continue;
        return true;
      }
    }
    return false;
  }

  /**
   * True when someone real and present is described between the cue and the finding: a present
   * subject in a later clause (or, after a how-to, anywhere after the cue, a possessive too).
   */
  private realAfter(cue: Cue, finding: Occurrence, sameClauseToo: boolean): boolean {
    const c = this.context;
    const findingClause = (c.places[finding.start] as Place).clause;
    const markers: Concept[] = sameClauseToo ? ['PRESENT_SUBJ', 'NOW', 'PERSONAL'] : ['PRESENT_SUBJ', 'NOW'];
    for (const concept of markers) {
      for (const m of c.list(concept)) {
        if (m.clause > findingClause || m.start < cue.end) continue;
        if (m.clause > cue.clause || sameClauseToo) return true;
      }
    }
    return false;
  }
}

const CUE_SET: ReadonlySet<Concept> = new Set<Concept>(CUE_CONCEPTS);

export function isCueConcept(concept: Concept): boolean {
  return CUE_SET.has(concept);
}
