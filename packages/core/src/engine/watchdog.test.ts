import { describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/index.js";
import { createVirtualClock } from "../ports/index.js";
import { runWithWatchdog } from "./watchdog.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

describe("per-attempt timeout", () => {
  it("aborts a hung attempt with WFM-PHASE-TIMEOUT at exactly its limit in virtual time", async () => {
    const clock = createVirtualClock();
    let sawAbort = false;
    const error = await rejection(
      runWithWatchdog(
        async ({ signal }) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
          });
          await clock.sleep(3_600_000, signal);
          return "never";
        },
        { clock, timeoutMs: 30_000, context: { runId: "r1", phase: "implement" } },
      ),
    );
    expect(isWorkflowMasterError(error) && error.code).toBe("WFM-PHASE-TIMEOUT");
    expect(isWorkflowMasterError(error) && error.kind).toBe("transient");
    expect(isWorkflowMasterError(error) && error.command).toBe("workflowmaster resume r1");
    expect(clock.elapsed).toBe(30_000);
    expect(sawAbort).toBe(true);
  });

  it("returns the value of an attempt that finishes in time", async () => {
    const clock = createVirtualClock();
    const value = await runWithWatchdog(
      async ({ signal }) => {
        await clock.sleep(29_999, signal);
        return 42;
      },
      { clock, timeoutMs: 30_000 },
    );
    expect(value).toBe(42);
    expect(clock.elapsed).toBe(29_999);
  });

  it("stops waiting for an attempt that ignores its signal", async () => {
    const clock = createVirtualClock();
    const error = await rejection(
      runWithWatchdog(() => new Promise<never>(() => undefined), { clock, timeoutMs: 5_000 }),
    );
    expect(isWorkflowMasterError(error) && error.code).toBe("WFM-PHASE-TIMEOUT");
    expect(clock.elapsed).toBe(5_000);
  });
});

describe("inactivity watchdog", () => {
  it("keeps an attempt alive while it reports progress", async () => {
    const clock = createVirtualClock();
    const value = await runWithWatchdog(
      async ({ signal, progress }) => {
        for (let step = 0; step < 5; step += 1) {
          await clock.sleep(40_000, signal);
          progress(`step ${step}`);
        }
        return "done";
      },
      { clock, inactivityMs: 60_000 },
    );
    expect(value).toBe("done");
    expect(clock.elapsed).toBe(200_000);
  });

  it("aborts with WFM-PHASE-INACTIVE after the limit without progress, naming the last note", async () => {
    const clock = createVirtualClock();
    const error = await rejection(
      runWithWatchdog(
        async ({ signal, progress }) => {
          await clock.sleep(10_000, signal);
          progress("compiled");
          await clock.sleep(3_600_000, signal);
          return "never";
        },
        { clock, inactivityMs: 60_000, context: { runId: "r1", phase: "implement" } },
      ),
    );
    expect(isWorkflowMasterError(error) && error.code).toBe("WFM-PHASE-INACTIVE");
    expect(isWorkflowMasterError(error) && error.message).toBe(
      "No progress for 60000 ms (last progress: compiled); the attempt was aborted.",
    );
    // 10 s of work, then 60 s of silence.
    expect(clock.elapsed).toBe(70_000);
  });
});

describe("outer abort", () => {
  it("passes an outer abort to the attempt and throws its reason", async () => {
    const clock = createVirtualClock();
    const outer = new AbortController();
    const reason = new Error("interrupted by SIGINT");
    const running = runWithWatchdog(
      async ({ signal }) => {
        await clock.sleep(1_000, signal);
        return 1;
      },
      { clock, timeoutMs: 60_000, signal: outer.signal },
    );
    outer.abort(reason);
    expect(await rejection(running)).toBe(reason);
  });
});
