/** The most events in any window of `ms` (half-open): how a rate limit counts them. */
export function maxInWindow(times: number[], ms: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
