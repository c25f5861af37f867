import { median } from "./median.js";

export interface InterleavedOptions {
  /** Operations compared sample by sample. */
  tasks: Record<string, () => Promise<unknown>>;
  /** Measured samples per task. */
  samples: number;
  /** Unrecorded samples per task first (default 10 % of `samples`, at least 3). */
  warmup?: number;
}

/**
 * Runs the tasks one after another, sample by sample, rotating their order
 * each time, and returns every task's durations (ms) with sample `i` of each
 * taken within moments of the others. A 15 % effect (one more fsync) is
 * smaller than the drift of a shared disk over a few seconds, so the
 * per-task loops of tinybench, which finish one task before starting the
 * next, cannot see it; ratios of adjacent samples can (see README).
 */
export async function interleavedSamples(
  options: InterleavedOptions,
): Promise<Record<string, number[]>> {
  const names = Object.keys(options.tasks);
  const warmup = options.warmup ?? Math.max(3, Math.round(options.samples / 10));
  const durations: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let sample = 0; sample < warmup + options.samples; sample += 1) {
    for (let index = 0; index < names.length; index += 1) {
      const name = names[(index + sample) % names.length] as string;
      const task = options.tasks[name] as () => Promise<unknown>;
      const started = performance.now();
      await task();
      const took = performance.now() - started;
      if (sample >= warmup) durations[name]?.push(took);
    }
  }
  return durations;
}

/** The median over samples of `combine(sample index)`: a paired statistic. */
export function pairedMedian(samples: number, combine: (index: number) => number): number {
  return median(Array.from({ length: samples }, (_, index) => combine(index)));
}
