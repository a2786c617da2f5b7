/** Small statistics for the benchmark: medians and quantiles of samples. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** A ratio as "1.03x". */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/** A relative difference as "+3.1%". */
export function percent(a: number, b: number): string {
  const p = (a / b - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

/**
 * A 90% bootstrap interval of median(a) / median(b): resample both sets with replacement, 2000
 * times.
 */
export function ratioInterval(a: readonly number[], b: readonly number[], rounds = 2000): [number, number] {
  // Park–Miller: a small, seeded generator, so that the same samples always give the same interval.
  let seed = 20240607;
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const resample = (xs: readonly number[]) => xs.map(() => xs[Math.floor(random() * xs.length)]);
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) ratios.push(median(resample(a)) / median(resample(b)));
  return [quantile(ratios, 0.05), quantile(ratios, 0.95)];
}
