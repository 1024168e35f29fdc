/**
 * PostgreSQL text cannot hold U+0000: a statement carrying one fails, and with it every item
 * batched into the same statement (server/db/batcher.ts). Text from outside is either refused
 * (questions, at the HTTP edge) or cleaned (the model's text, before it is stored or published).
 */

const NUL = '\u0000';

/** Walks parsed JSON without recursion: bodies may be nested thousands of levels deep. */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes(NUL)) return true;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes(NUL)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

/** The text without its NUL characters (the same string when it has none). */
export function withoutNul(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, '') : text;
}
