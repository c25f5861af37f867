import { Bench } from "tinybench";

export interface PairedRoundsOptions {
  /** Tasks measured side by side; each call is one sample. */
  tasks: Record<string, () => Promise<unknown>>;
  /** Rounds; the task order rotates every round so drift hits each task alike. */
  rounds: number;
  /** tinybench time budget per task per round, ms. */
  time: number;
  /** Minimum samples per task per round. */
  iterations: number;
  /** Warm-up samples per task per round (default 2). */
  warmupIterations?: number;
}

/**
 * Runs tinybench once per round with every task, rotating their order, and
 * returns each task's median latency (ms) per round. On a shared machine the
 * load changes from second to second; comparing tasks within a round, and
 * taking the median over rounds, keeps a ratio steady where absolute times
 * are not.
 */
export async function pairedRounds(
  options: PairedRoundsOptions,
): Promise<Record<string, number[]>> {
  const names = Object.keys(options.tasks);
  const p50s: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const bench = new Bench({
      time: options.time,
      iterations: options.iterations,
      warmupIterations: options.warmupIterations ?? 2,
      warmupTime: 0,
      throws: true,
    });
    const order = names.map((_, index) => names[(index + round) % names.length] as string);
    for (const name of order) {
      const task = options.tasks[name] as () => Promise<unknown>;
      bench.add(name, async () => {
        await task();
      });
    }
    await bench.run();
    for (const name of names) {
      const result = bench.getTask(name)?.result;
      if (result === undefined || !("latency" in result)) {
        throw new Error(`Benchmark task ${name} produced no statistics in round ${round + 1}.`);
      }
      p50s[name]?.push(result.latency.p50);
    }
  }
  return p50s;
}
