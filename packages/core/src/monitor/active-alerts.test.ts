import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorKind } from "../errors/index.js";
import { createVirtualClock, nodeFileSystem } from "../ports/index.js";
import { acknowledgeAlert, listActiveAlerts, listRunDirectories } from "./active-alerts.js";
import type { WorkflowEvent } from "./events.js";

const fs = nodeFileSystem;
const AT = "2026-11-29T10:00:00.000Z";
let dir: string;
let root: string;

const retries = (runId: string, count: number): WorkflowEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    type: "phase.retrying" as const,
    runId,
    phase: "push",
    attempt: index + 1,
    delayMs: 1000,
    cause: { code: "WFM-NET-RESET", kind: ErrorKind.Transient, message: "reset", guidance: "wait" },
  }));

async function writeRun(runId: string, events: WorkflowEvent[], extra = "") {
  await mkdir(join(root, "runs", runId), { recursive: true });
  const lines = events.map((event) => `${JSON.stringify({ at: AT, ...event })}\n`).join("");
  await writeFile(join(root, "runs", runId, "events.ndjson"), lines + extra);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-active-alerts-"));
  root = join(dir, ".workflowmaster");
  await writeRun("b", retries("b", 11), "{torn");
  // A stray line naming another run does not count for this one.
  await writeRun(
    "a",
    [...retries("b", 11), { type: "run.started", runId: "a", workflow: "dev" }],
    "oops\n",
  );
  await writeFile(join(root, "runs", "not-a-run.tmp"), "");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("listing active alerts", () => {
  it("evaluates each run directory in run-id order and reports unreadable lines beside the alerts", async () => {
    expect(await listRunDirectories(fs, root)).toEqual(["a", "b"]);
    const { alerts, unreadable } = await listActiveAlerts({ fs, root });
    expect(alerts.map((alert) => `${alert.runId} ${alert.code}`)).toEqual([
      "b ALERT-ERROR-RATE",
      "b ALERT-RETRIES",
    ]);
    expect(unreadable).toEqual([
      { runId: "a", path: `${root}/runs/a/events.ndjson`, invalidLines: [13], tornLines: 0 },
      { runId: "b", path: `${root}/runs/b/events.ndjson`, invalidLines: [], tornLines: 1 },
    ]);
  });

  it("refuses an unknown run with WFM-RUN-NOT-FOUND", async () => {
    await expect(listActiveAlerts({ fs, root, runId: "zz" })).rejects.toMatchObject({
      code: "WFM-RUN-NOT-FOUND",
      message: `There is no run zz under ${root}.`,
    });
  });

  it("has no runs before there is any state", async () => {
    expect(await listActiveAlerts({ fs, root: join(dir, "nothing") })).toEqual({
      alerts: [],
      unreadable: [],
    });
  });
});

describe("acknowledging an alert", () => {
  const clock = createVirtualClock(Date.parse(AT));

  it("appends alert.acknowledged with the clock's time, and the alert stops listing", async () => {
    const outcome = await acknowledgeAlert({ fs, clock, root, runId: "b", code: "ALERT-RETRIES" });
    expect(outcome).toEqual({
      ok: true,
      alert: expect.objectContaining({ runId: "b", code: "ALERT-RETRIES" }),
    });
    const text = await readFile(join(root, "runs", "b", "events.ndjson"), "utf8");
    // The torn tail is closed off first, so the acknowledgement is a line of its own.
    expect(
      text.endsWith(
        `{torn\n{"at":"${AT}","type":"alert.acknowledged","runId":"b","code":"ALERT-RETRIES"}\n`,
      ),
    ).toBe(true);
    const { alerts } = await listActiveAlerts({ fs, root, runId: "b" });
    expect(alerts.map((alert) => alert.code)).toEqual(["ALERT-ERROR-RATE"]);
  });

  it("refuses, as data, an unknown code, an unknown or invalid run, and an alert that is not active", async () => {
    const refusal = async (runId: string, code: string) => {
      const outcome = await acknowledgeAlert({ fs, clock, root, runId, code });
      return outcome.ok ? "acknowledged" : outcome.refusal.reason;
    };
    expect(await refusal("b", "ALERT-BOGUS")).toBe("unknown-code");
    expect(await refusal("b", "alert-retries")).toBe("unknown-code");
    expect(await refusal("zz", "ALERT-RETRIES")).toBe("unknown-run");
    expect(await refusal("../b", "ALERT-RETRIES")).toBe("unknown-run");
    expect(await refusal("a", "ALERT-RETRIES")).toBe("not-active");
    const outcome = await acknowledgeAlert({ fs, clock, root, runId: "a", code: "ALERT-DISK-LOW" });
    expect(outcome).toEqual({
      ok: false,
      refusal: {
        reason: "not-active",
        message:
          "names no active alert of run a: ALERT-DISK-LOW is not raised or already acknowledged (list them with `workflowmaster alerts a`)",
      },
    });
  });
});
