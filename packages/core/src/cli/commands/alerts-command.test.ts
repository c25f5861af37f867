import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorKind } from "../../errors/index.js";
import type { ErrorSummary, WorkflowEvent } from "../../monitor/index.js";
import { stateRoot } from "../../state/index.js";
import { memoryIo } from "../fixtures/memory-io.js";
import { runCli } from "../run-cli.js";

let repoDir: string;

const AT = "2026-11-29T10:00:00.000Z";
const cause: ErrorSummary = {
  code: "WFM-NET-RESET",
  kind: ErrorKind.Transient,
  message: "reset",
  guidance: "wait",
};

/** r1: 11 retries and low disk; r2: a clean run; r3: 20 minutes waiting for rate limits. */
const RUNS: Record<string, WorkflowEvent[]> = {
  r1: [
    { type: "run.started", runId: "r1", workflow: "dev" },
    ...Array.from({ length: 11 }, (_, index) => ({
      type: "phase.retrying" as const,
      runId: "r1",
      phase: "push",
      attempt: index + 1,
      delayMs: 1000,
      cause,
    })),
    {
      type: "resource.low",
      runId: "r1",
      resource: "disk",
      available: 10 * 1024 * 1024,
      threshold: 64 * 1024 * 1024,
    },
  ],
  r2: [
    { type: "run.started", runId: "r2", workflow: "dev" },
    { type: "phase.completed", runId: "r2", phase: "issue", durationMs: 400 },
    { type: "run.completed", runId: "r2" },
  ],
  r3: [
    { type: "run.started", runId: "r3", workflow: "dev" },
    {
      type: "rate-limit.waiting",
      runId: "r3",
      target: "github",
      until: "2026-11-29T10:20:00.000Z",
      delayMs: 20 * 60_000,
    },
  ],
};

beforeEach(async () => {
  repoDir = await mkdtemp(join(tmpdir(), "wfm-alerts-"));
  await mkdir(join(repoDir, ".git"));
  for (const [runId, events] of Object.entries(RUNS)) {
    const dir = join(stateRoot(repoDir), "runs", runId);
    await mkdir(dir, { recursive: true });
    const lines = events.map((event) => `${JSON.stringify({ ...event, at: AT })}\n`).join("");
    await writeFile(join(dir, "events.ndjson"), lines);
  }
});
afterEach(async () => {
  await rm(repoDir, { recursive: true, force: true });
});

const cli = async (...argv: string[]) => {
  const io = memoryIo({ cwd: repoDir });
  const code = await runCli(["alerts", ...argv, "--cwd", repoDir], io);
  return { code, out: io.out(), err: io.err() };
};

const R1_ALERTS = [
  {
    runId: "r1",
    level: "warning",
    code: "ALERT-ERROR-RATE",
    message: "10 of the last 10 phase attempts failed (100%, threshold 20%).",
  },
  {
    runId: "r1",
    level: "warning",
    code: "ALERT-RETRIES",
    message: "11 retries in this run (threshold 10); most in phase `push` (11).",
  },
  {
    runId: "r1",
    level: "critical",
    code: "ALERT-DISK-LOW",
    message:
      "Free disk space fell to 10 MiB (threshold 64 MiB); the run pauses before writing until space is freed.",
  },
];

describe("alerts: listing", () => {
  it("lists every run's active alerts, one line each", async () => {
    expect(await cli()).toEqual({
      code: 0,
      err: "",
      out: [
        "[warning] ALERT-ERROR-RATE run r1: 10 of the last 10 phase attempts failed (100%, threshold 20%).",
        "[warning] ALERT-RETRIES run r1: 11 retries in this run (threshold 10); most in phase `push` (11).",
        "[critical] ALERT-DISK-LOW run r1: Free disk space fell to 10 MiB (threshold 64 MiB); the run pauses before writing until space is freed.",
        "[warning] ALERT-RATE-LIMIT-WAIT run r3: Waited 20 min for rate limits in this run (threshold 15 min).",
        "",
      ].join("\n"),
    });
  });

  it("prints one run's alerts as a JSON array", async () => {
    const { code, out, err } = await cli("r1", "--json");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(JSON.parse(out)).toEqual(R1_ALERTS);
  });

  it("says so when a run has no active alert", async () => {
    expect(await cli("r2")).toEqual({ code: 0, err: "", out: "No active alerts.\n" });
    expect(await cli("r2", "--json")).toEqual({ code: 0, err: "", out: "[]\n" });
  });

  it("refuses an unknown run with exit 2 and WFM-RUN-NOT-FOUND", async () => {
    const { code, out, err } = await cli("nope");
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err.split("\n")[0]).toBe(
      `Error WFM-RUN-NOT-FOUND: There is no run nope under ${stateRoot(repoDir)}.`,
    );
  });
});

describe("alerts: acknowledging", () => {
  it("appends an alert.acknowledged event, after which the alert no longer lists", async () => {
    expect(await cli("--ack", "alert-retries", "r1")).toEqual({
      code: 0,
      err: "",
      out: "Acknowledged ALERT-RETRIES of run r1.\n",
    });
    const lines = (await readFile(join(stateRoot(repoDir), "runs", "r1", "events.ndjson"), "utf8"))
      .trimEnd()
      .split("\n");
    expect(lines).toHaveLength(14);
    const last = JSON.parse(lines[13] ?? "") as Record<string, unknown>;
    expect(Object.keys(last).sort()).toEqual(["at", "code", "runId", "type"]);
    expect(last).toMatchObject({ type: "alert.acknowledged", runId: "r1", code: "ALERT-RETRIES" });
    expect(last.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const { code, out } = await cli("r1", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([R1_ALERTS[0], R1_ALERTS[2]]);
  });

  it("refuses to acknowledge an alert that is not active, with exit 2", async () => {
    const { code, out, err } = await cli("--ack", "ALERT-RETRIES", "r2");
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err.split("\n")[0]).toBe(
      "Error WFM-CLI-INPUT-INVALID: --ack names no active alert of run r2: ALERT-RETRIES is not raised or already acknowledged (list them with `workflowmaster alerts r2`).",
    );
  });

  it("refuses an unknown alert code, an unknown run and a missing run, with exit 2", async () => {
    expect((await cli("--ack", "ALERT-BOGUS", "r1")).code).toBe(2);
    const unknown = await cli("--ack", "ALERT-RETRIES", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.err.split("\n")[0]).toBe(
      `Error WFM-RUN-NOT-FOUND: There is no run nope under ${stateRoot(repoDir)}.`,
    );
    const missing = await cli("--ack", "ALERT-RETRIES");
    expect(missing.code).toBe(2);
    expect(missing.err.split("\n")[0]).toBe(
      "Error WFM-CLI-USAGE: `alerts --ack CODE` needs the run: workflowmaster alerts --ack CODE RUN_ID.",
    );
  });
});
