// A worker process of the suite: receives `{ id, scenario, seed }` over IPC,
// runs the case in isolation, and sends back `{ id, result }`. One case at a
// time, so a case that kills or exhausts its process takes down only itself.
// Each reply carries the worker's peak RSS so far (`peakRssBytes`), so the
// suite can report the largest worker's memory.
import { SCENARIOS } from "../scenarios/index.js";
import { peakRssBytes } from "./resources.js";
import { runCase } from "./runner.js";

interface CaseRequest {
  id: number;
  scenario: string;
  seed: number;
}

const send = (message: unknown) =>
  new Promise<void>((resolve, reject) => {
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });

process.on("message", (message: CaseRequest) => {
  const scenario = SCENARIOS.find((candidate) => candidate.name === message.scenario);
  const work =
    scenario === undefined
      ? Promise.reject(new Error(`Unknown scenario ${message.scenario}`))
      : runCase(scenario, message.seed);
  work
    .then(
      (result) => send({ id: message.id, result, peakRssBytes: peakRssBytes() }),
      (error: unknown) =>
        send({
          id: message.id,
          peakRssBytes: peakRssBytes(),
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    )
    .catch((error: unknown) => {
      // The parent is gone: nothing can receive the result, so stop.
      process.stderr.write(`case worker: cannot report to the suite: ${String(error)}\n`);
      process.exit(1);
    });
});
process.on("disconnect", () => process.exit(0));
