/**
 * What a suite run cost the machine, for `report.json`'s `resources` block:
 * wall time, throughput and peak memory of the parent and of the busiest
 * worker. Merged shard reports have none (each shard's machine differs).
 */
export interface SuiteResources {
  /** Wall time of running the cases, ms (real time, not virtual). */
  wallMs: number;
  runs: number;
  runsPerSecond: number;
  workers: number;
  peakRssBytes: {
    /** The suite's own process (`process.resourceUsage().maxRSS`). */
    parent: number;
    /** The largest peak any worker process reported with its results. */
    worker: number;
  };
}

/** This process's peak resident set so far, in bytes (`maxRSS` is in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** The resources block for `runs` cases that took `wallMs` on `workers` workers. */
export function suiteResources(options: {
  wallMs: number;
  runs: number;
  workers: number;
  workerPeakRssBytes: number;
}): SuiteResources {
  const { wallMs, runs, workers } = options;
  return {
    wallMs: Math.round(wallMs),
    runs,
    runsPerSecond: wallMs > 0 ? Math.round((runs / (wallMs / 1000)) * 1000) / 1000 : 0,
    workers,
    peakRssBytes: { parent: peakRssBytes(), worker: options.workerPeakRssBytes },
  };
}
