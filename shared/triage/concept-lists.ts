/**
 * Lists by concept, kept from one text to the next (the triage is synchronous): each list is
 * refilled from its start and then cut to its new length. Emptied instead, an array frees its
 * storage and allocates it again as it grows.
 */
import type { Concept } from './concepts.js';

interface Entry<T> {
  items: T[];
  /** Items added for the text under way. */
  count: number;
}

const NONE: readonly never[] = [];

export class ConceptLists<T> {
  private readonly entries = new Map<Concept, Entry<T>>();

  /** Starts a new text: every list is to be refilled. */
  clear(): void {
    for (const entry of this.entries.values()) entry.count = 0;
  }

  add(concept: Concept, item: T): void {
    let entry = this.entries.get(concept);
    if (!entry) {
      entry = { items: [], count: 0 };
      this.entries.set(concept, entry);
    }
    entry.items[entry.count++] = item;
  }

  /** After the last `add` of a text: each list cut to what this text added (empty when nothing). */
  finish(): void {
    for (const entry of this.entries.values()) entry.items.length = entry.count;
  }

  /** The concept's list for this text (after `finish`); empty when it has none. */
  get(concept: Concept): readonly T[] {
    return this.entries.get(concept)?.items ?? NONE;
  }
}
