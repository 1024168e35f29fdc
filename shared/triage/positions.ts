/** Binary search over things in text order (sorted by start), for the reader and the rules. */
export function firstFrom(list: readonly { start: number }[], position: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as { start: number }).start < position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
