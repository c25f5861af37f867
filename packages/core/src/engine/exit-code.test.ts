import { describe, expect, it } from "vitest";
import { wfmError } from "../errors/index.js";
import { exitCodeFor } from "./exit-code.js";

describe("exitCodeFor", () => {
  it("maps each outcome to the command-line contract's exit code", () => {
    const interrupted = wfmError("WFM-INTERRUPTED", { context: { runId: "r1" } });
    const incomplete = wfmError("WFM-ROLLBACK-INCOMPLETE", { context: { runId: "r1" } });
    const disk = wfmError("WFM-DISK-LOW", { context: { runId: "r1" } });
    expect([
      exitCodeFor({ state: "completed" }),
      exitCodeFor({ state: "failed", error: wfmError("WFM-INTERNAL") }),
      exitCodeFor({ state: "paused", error: disk }),
      exitCodeFor({ state: "running", error: interrupted }),
      exitCodeFor({ state: "rolling-back", error: interrupted }),
      exitCodeFor({ state: "running", error: disk }),
      exitCodeFor({ state: "rolled-back" }),
      exitCodeFor({ state: "rolled-back", error: incomplete }),
      exitCodeFor({ state: "paused", dryRun: true }),
    ]).toEqual([0, 1, 3, 130, 130, 3, 0, 1, 0]);
  });
});
