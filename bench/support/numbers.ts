/** How the benchmarks' figures are rounded and summed up over runs. */

export function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}

export function nullableRound(n: number | null, digits: number): number | null {
  return n === null ? null : round(n, digits);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
