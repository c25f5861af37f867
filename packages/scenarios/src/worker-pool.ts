import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { replayCommand } from "@workflowmaster/chaos";
import type { CaseResult } from "./runner.js";

export interface PoolCase {
  scenario: string;
  seed: number;
}

const require = createRequire(import.meta.url);
const WORKER = new URL("./case-worker.ts", import.meta.url);

/**
 * Runs cases across worker processes, one per core by default, each running
 * one case at a time. A worker that dies mid-case (a kill scenario gone
 * wrong, an out-of-memory crash) fails that case with the reason and is
 * replaced; the rest of the suite goes on.
 */
export async function runInWorkers(
  cases: readonly PoolCase[],
  options: {
    workers: number;
    onCase?: (result: CaseResult) => void;
    /** A worker's peak RSS so far (bytes), sent with each of its results. */
    onWorkerRss?: (peakRssBytes: number) => void;
  },
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const spawnWorker = (): ChildProcess =>
    fork(WORKER, [], {
      execArgv: ["--import", require.resolve("tsx"), "--conditions=@workflowmaster/source"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });

  const drive = (): Promise<void> =>
    new Promise((resolve, reject) => {
      let worker = spawnWorker();
      let current: { id: number; item: PoolCase; startedAt: number } | undefined;
      const finish = (id: number, result: CaseResult) => {
        results[id] = result;
        options.onCase?.(result);
      };
      const take = () => {
        if (next >= cases.length) {
          current = undefined;
          worker.removeAllListeners("exit");
          worker.disconnect();
          resolve();
          return;
        }
        const id = next++;
        const item = cases[id] as PoolCase;
        current = { id, item, startedAt: performance.now() };
        worker.send({ id, ...item });
      };
      const onMessage = (message: {
        id: number;
        result?: CaseResult;
        error?: string;
        peakRssBytes?: number;
      }) => {
        if (current === undefined || message.id !== current.id) return;
        if (message.peakRssBytes !== undefined) options.onWorkerRss?.(message.peakRssBytes);
        const { item, startedAt } = current;
        finish(
          message.id,
          message.result ?? failedCase(item, `the case threw: ${message.error}`, startedAt),
        );
        take();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (current === undefined) {
          reject(new Error(`A suite worker exited (${signal ?? code}) before taking a case.`));
          return;
        }
        const { id, item, startedAt } = current;
        finish(
          id,
          failedCase(item, `its worker process died (${signal ?? `exit ${code}`})`, startedAt),
        );
        worker = spawnWorker();
        worker.on("message", onMessage);
        worker.on("exit", onExit);
        take();
      };
      worker.on("message", onMessage);
      worker.on("exit", onExit);
      take();
    });

  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, drive));
  return results;
}

function failedCase(item: PoolCase, crash: string, startedAt: number): CaseResult {
  return {
    scenario: item.scenario,
    seed: item.seed,
    ok: false,
    checks: [],
    crash,
    faults: [],
    replay: replayCommand(item.scenario, item.seed),
    realMs: performance.now() - startedAt,
  };
}
