import { join } from "node:path";

/** Where a repository keeps its run state. Never committed (see `ensureGitExclude`). */
export function stateRoot(repoDir: string): string {
  return join(repoDir, ".workflowmaster");
}

/** The files of one run, under `<root>/runs/<runId>/`. */
export interface RunPaths {
  /** `<root>/runs` */
  runs: string;
  /** `<root>/runs/<runId>` */
  dir: string;
  journal: string;
  snapshots: string;
  lock: string;
  /** Written by the monitor, not by the store. */
  events: string;
}

/** `runId` must already be validated (`assertValidRunId`). */
export function runPaths(root: string, runId: string): RunPaths {
  const runs = join(root, "runs");
  const dir = join(runs, runId);
  return {
    runs,
    dir,
    journal: join(dir, "journal.ndjson"),
    snapshots: join(dir, "snapshots"),
    lock: join(dir, "lock.json"),
    events: join(dir, "events.ndjson"),
  };
}
