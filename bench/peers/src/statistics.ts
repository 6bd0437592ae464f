/** The median of `values` (the upper one of an even count), 0 for none. */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * `a[i] / b[i]` for each round both measured, sorted; a round where `b` is 0 is left out. The
 * rounds interleave the stacks, so the two values of a round are seconds apart.
 */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  return a
    .flatMap((value, i) => {
      const other = b[i];
      return other === undefined || other === 0 ? [] : [value / other];
    })
    .sort((x, y) => x - y);
}
