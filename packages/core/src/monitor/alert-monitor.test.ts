import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { err, ok } from "../errors/result.js";
import { nodeFileSystem } from "../ports/file-system.js";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { createAlertMonitor } from "./alert-monitor.js";
import type { Alert } from "./alerts.js";
import { createEventBus } from "./event-bus.js";
import { createEventLogSink, readEvents } from "./event-log.js";
import type { ErrorSummary, WorkflowEvent } from "./events.js";
import type { AlertSink } from "./sinks/alert-sink.js";
import { eventLogSink } from "./sinks/event-log-sink.js";

const cause: ErrorSummary = {
  code: "WFM-GITHUB-UNAVAILABLE",
  kind: "transient",
  message: "502",
  guidance: "Wait.",
};
const retrying = (runId: string): WorkflowEvent => ({
  type: "phase.retrying",
  runId,
  phase: "push",
  attempt: 1,
  delayMs: 100,
  cause,
});
const completed = (runId: string): WorkflowEvent => ({
  type: "phase.completed",
  runId,
  phase: "push",
  durationMs: 5,
});
const waiting = (runId: string, delayMs: number): WorkflowEvent => ({
  type: "rate-limit.waiting",
  runId,
  target: "github",
  until: "2026-01-01T00:00:00.000Z",
  delayMs,
});
const recovered = (runId: string): WorkflowEvent => ({
  type: "run.recovered",
  runId,
  droppedBytes: 0,
  snapshotsRejected: 0,
  detail: "",
});
const diskLow = (runId: string, available: number): WorkflowEvent => ({
  type: "resource.low",
  runId,
  resource: "disk",
  available,
  threshold: 1000,
});

function recordingSink(name: string): AlertSink & { received: Alert[] } {
  const received: Alert[] = [];
  return {
    name,
    received,
    deliver: async (alert) => {
      received.push(alert);
      return ok(undefined);
    },
  };
}

const key = (a: Alert) => `${a.runId} ${a.code}`;

const THRESHOLDS = {
  errorRate: 0.5,
  errorRateWindow: 4,
  errorRateMinAttempts: 4,
  retriesPerRun: 2,
  rateLimitWaitMs: 60_000,
  recoveriesPerRun: 1,
  minFreeDiskBytes: 1000,
};

describe("raising alerts from events", () => {
  it("delivers each alert exactly once, when its threshold is crossed, to every sink", async () => {
    const bus = createEventBus();
    const a = recordingSink("a");
    const b = recordingSink("b");
    const monitor = createAlertMonitor({ bus, thresholds: THRESHOLDS, sinks: [a, b] });
    const after: string[][] = [];
    const step = async (...events: WorkflowEvent[]) => {
      for (const event of events) await bus.emit(event);
      await monitor.settled();
      after.push(a.received.map(key));
    };
    await step(completed("r1"), completed("r1"), retrying("r1"), retrying("r1")); // 2/4, retries 2
    await step(retrying("r1")); // 3 retries; 3 of the last 4 failed
    await step(waiting("r1", 60_000), recovered("r1")); // at the thresholds
    await step(waiting("r1", 1), recovered("r1")); // above both
    await step(diskLow("r1", 999));
    // Everything stays above its threshold: nothing is raised again.
    await step(retrying("r1"), waiting("r1", 5), recovered("r1"), diskLow("r1", 10));
    await step(retrying("r2"), retrying("r2"), retrying("r2")); // another run: its own alert
    expect(after).toEqual([
      [],
      ["r1 ALERT-ERROR-RATE", "r1 ALERT-RETRIES"],
      ["r1 ALERT-ERROR-RATE", "r1 ALERT-RETRIES"],
      [
        "r1 ALERT-ERROR-RATE",
        "r1 ALERT-RETRIES",
        "r1 ALERT-RATE-LIMIT-WAIT",
        "r1 ALERT-RECOVERIES",
      ],
      [
        "r1 ALERT-ERROR-RATE",
        "r1 ALERT-RETRIES",
        "r1 ALERT-RATE-LIMIT-WAIT",
        "r1 ALERT-RECOVERIES",
        "r1 ALERT-DISK-LOW",
      ],
      [
        "r1 ALERT-ERROR-RATE",
        "r1 ALERT-RETRIES",
        "r1 ALERT-RATE-LIMIT-WAIT",
        "r1 ALERT-RECOVERIES",
        "r1 ALERT-DISK-LOW",
      ],
      [
        "r1 ALERT-ERROR-RATE",
        "r1 ALERT-RETRIES",
        "r1 ALERT-RATE-LIMIT-WAIT",
        "r1 ALERT-RECOVERIES",
        "r1 ALERT-DISK-LOW",
        "r2 ALERT-RETRIES",
      ],
    ]);
    expect(b.received).toEqual(a.received);
    expect(monitor.alerts).toEqual(a.received);
    expect(monitor.failures).toEqual([]);
    expect(a.received[4]).toEqual({
      runId: "r1",
      level: "critical",
      code: "ALERT-DISK-LOW",
      message:
        "Free disk space fell to 999 bytes (threshold 1000 bytes); the run pauses before writing until space is freed.",
    });
  });

  it("does not make the emitter wait for a slow sink", async () => {
    const bus = createEventBus();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const delivered: string[] = [];
    const slow: AlertSink = {
      name: "slow",
      deliver: async (alert) => {
        await gate;
        delivered.push(alert.code);
        return ok(undefined);
      },
    };
    const monitor = createAlertMonitor({ bus, thresholds: { retriesPerRun: 0 }, sinks: [slow] });
    await bus.emit(retrying("r1"));
    expect(delivered).toEqual([]);
    release();
    await monitor.settled();
    expect(delivered).toEqual(["ALERT-RETRIES"]);
  });

  it("stops evaluating once disposed", async () => {
    const bus = createEventBus();
    const sink = recordingSink("s");
    const monitor = createAlertMonitor({ bus, thresholds: { retriesPerRun: 0 }, sinks: [sink] });
    monitor.dispose();
    await bus.emit(retrying("r1"));
    await monitor.settled();
    expect(sink.received).toEqual([]);
  });
});

describe("failures around alerts", () => {
  it("turns a failing bus listener into one ALERT-LISTENER-FAILED per run", async () => {
    const bus = createEventBus();
    const sink = recordingSink("s");
    const monitor = createAlertMonitor({ bus, sinks: [sink] });
    bus.subscribe(() => {
      throw new Error("ENOSPC: no space left on device, write");
    });
    await bus.emit(completed("r1"));
    await bus.emit(completed("r1"));
    await monitor.settled();
    expect(sink.received).toEqual([
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-LISTENER-FAILED",
        message:
          "An event listener failed on phase.completed: ENOSPC: no space left on device, write (every failure is kept in the event bus's errors).",
      },
    ]);
    expect(bus.errors).toHaveLength(2);
  });

  it("collects a sink's failed delivery and tells the other sinks, once", async () => {
    const bus = createEventBus();
    const good = recordingSink("good");
    const attempts: string[] = [];
    const broken: AlertSink = {
      name: "webhook https://hooks.example.com",
      deliver: async (alert) => {
        attempts.push(alert.code);
        return err(new Error("Webhook https://hooks.example.com answered 500"));
      },
    };
    const throwing: AlertSink = {
      name: "throwing",
      deliver: () => {
        throw new Error("sink bug");
      },
    };
    const monitor = createAlertMonitor({
      bus,
      thresholds: { retriesPerRun: 0, recoveriesPerRun: 0 },
      sinks: [broken, good, throwing],
    });
    await bus.emit(retrying("r1"));
    await monitor.settled();
    await bus.emit(recovered("r1"));
    await monitor.settled();
    // Each sink sees its alerts in order; across sinks, deliveries interleave.
    expect(attempts).toEqual(["ALERT-RETRIES", "ALERT-SINK-FAILED", "ALERT-RECOVERIES"]);
    const byCodeAndText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    expect(good.received.map((a) => `${a.code}: ${a.message}`).sort(byCodeAndText)).toEqual([
      "ALERT-RECOVERIES: Run state had to be recovered 1 times (threshold 0): check the disk and what is killing the process.",
      "ALERT-RETRIES: 1 retries in this run (threshold 0); most in phase `push` (1).",
      "ALERT-SINK-FAILED: Alert sink throwing could not deliver ALERT-RETRIES: sink bug",
      "ALERT-SINK-FAILED: Alert sink webhook https://hooks.example.com could not deliver ALERT-RETRIES: Webhook https://hooks.example.com answered 500",
    ]);
    expect(good.received[0]?.code).toBe("ALERT-RETRIES");
    expect(good.received[3]?.code).toBe("ALERT-RECOVERIES");
    // Failures to report a failure are kept, not raised again.
    expect(
      monitor.failures
        .map((f) => `${f.sink}: ${f.alert.code}: ${f.error.message}`)
        .sort(byCodeAndText),
    ).toEqual([
      "throwing: ALERT-RECOVERIES: sink bug",
      "throwing: ALERT-RETRIES: sink bug",
      "throwing: ALERT-SINK-FAILED: sink bug",
      "webhook https://hooks.example.com: ALERT-RECOVERIES: Webhook https://hooks.example.com answered 500",
      "webhook https://hooks.example.com: ALERT-RETRIES: Webhook https://hooks.example.com answered 500",
      "webhook https://hooks.example.com: ALERT-SINK-FAILED: Webhook https://hooks.example.com answered 500",
    ]);
    expect(monitor.alerts.map((a) => a.code)).toEqual([
      "ALERT-RETRIES",
      "ALERT-SINK-FAILED",
      "ALERT-SINK-FAILED",
      "ALERT-RECOVERIES",
    ]);
  });
});

describe("wired as in production", () => {
  it("writes each alert once into events.ndjson, after the event that caused it", async () => {
    const root = await mkdtemp(join(tmpdir(), "wfm-alert-wiring-"));
    try {
      const clock = createVirtualClock(Date.UTC(2026, 0, 1));
      const bus = createEventBus();
      const log = createEventLogSink({ fs: nodeFileSystem, clock, root });
      bus.subscribe((event) => log.emit(event));
      const monitor = createAlertMonitor({
        bus,
        thresholds: { recoveriesPerRun: 1 },
        sinks: [eventLogSink(log)],
      });
      for (let i = 0; i < 3; i++) await bus.emit(recovered("r1"));
      await monitor.settled();
      await log.close();
      const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
      expect(read.events.map((e) => e.type)).toEqual([
        "run.recovered",
        "run.recovered",
        "alert",
        "run.recovered",
      ]);
      expect(read.events[2]).toEqual({
        at: "2026-01-01T00:00:00.000Z",
        type: "alert",
        runId: "r1",
        level: "warning",
        code: "ALERT-RECOVERIES",
        message:
          "Run state had to be recovered 2 times (threshold 1): check the disk and what is killing the process.",
      });
      expect(bus.errors).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("a stalled phase, raised from a timer", () => {
  const T0 = Date.UTC(2026, 0, 1);
  const started = (runId: string, phase = "push"): WorkflowEvent => ({
    type: "phase.started",
    runId,
    phase,
    attempt: 1,
  });

  /** A virtual clock that counts the sleeps still pending, to find leaked timers. */
  function countingClock() {
    const clock = createVirtualClock(T0);
    let pending = 0;
    return {
      clock,
      pending: () => pending,
      wrapped: {
        now: () => clock.now(),
        sleep: (ms: number, signal?: AbortSignal) => {
          pending += 1;
          return clock.sleep(ms, signal).finally(() => {
            pending -= 1;
          });
        },
      },
    };
  }
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it("raises ALERT-PHASE-STALLED once, when virtual time passes the threshold", async () => {
    const { clock, wrapped } = countingClock();
    const bus = createEventBus();
    const sink = recordingSink("s");
    const monitor = createAlertMonitor({
      bus,
      sinks: [sink],
      clock: wrapped,
      thresholds: { phaseStalledMs: 60_000 },
    });
    await bus.emit(started("r1"));
    await clock.sleep(60_000);
    await monitor.settled();
    expect(sink.received).toEqual([]);
    await clock.sleep(1);
    await monitor.settled();
    expect(clock.now()).toBe(T0 + 60_001);
    expect(sink.received).toEqual([
      {
        runId: "r1",
        level: "warning",
        code: "ALERT-PHASE-STALLED",
        message:
          "Phase `push` (attempt 1) has had no event for 1 min (threshold 1 min): the process may be hung or gone. Check it with `workflowmaster status r1`; if no process is running it, `workflowmaster resume r1`.",
      },
    ]);
    await clock.sleep(10 * 60_000);
    await monitor.settled();
    expect(sink.received).toHaveLength(1);
    monitor.dispose();
  });

  it("re-arms on every event of the run, and forgets a phase that ended", async () => {
    const { clock, wrapped, pending } = countingClock();
    const bus = createEventBus();
    const sink = recordingSink("s");
    const monitor = createAlertMonitor({
      bus,
      sinks: [sink],
      clock: wrapped,
      thresholds: { phaseStalledMs: 60_000 },
    });
    await bus.emit(started("r1"));
    await clock.sleep(50_000);
    await bus.emit({ type: "phase.checkpointed", runId: "r1", phase: "push", seq: 4 });
    await clock.sleep(60_000);
    await monitor.settled();
    expect(sink.received).toEqual([]);
    await bus.emit(completed("r1"));
    await turn();
    expect(pending()).toBe(0);
    await clock.sleep(3_600_000);
    await monitor.settled();
    expect(sink.received).toEqual([]);
    monitor.dispose();
  });

  it("leaves no timer behind once disposed, or once its signal aborts", async () => {
    for (const stop of ["dispose", "signal"] as const) {
      const { wrapped, pending } = countingClock();
      const bus = createEventBus();
      const sink = recordingSink("s");
      const controller = new AbortController();
      const monitor = createAlertMonitor({
        bus,
        sinks: [sink],
        clock: wrapped,
        signal: controller.signal,
      });
      await bus.emit(started("r1"));
      await bus.emit(started("r2", "issue"));
      expect(pending()).toBe(2);
      if (stop === "dispose") monitor.dispose();
      else controller.abort();
      await turn();
      expect(pending()).toBe(0);
      // Disposed: later events arm nothing.
      await bus.emit(started("r3"));
      expect(pending()).toBe(0);
      await monitor.settled();
      expect(sink.received).toEqual([]);
    }
  });

  it("arms no timer without a clock", async () => {
    const bus = createEventBus();
    const sink = recordingSink("s");
    const monitor = createAlertMonitor({ bus, sinks: [sink] });
    await bus.emit(started("r1"));
    await monitor.settled();
    expect(sink.received).toEqual([]);
    monitor.dispose();
  });

  it("reports a clock that fails a timer through settled()", async () => {
    const bus = createEventBus();
    const broken = new Error("clock broke");
    const monitor = createAlertMonitor({
      bus,
      sinks: [recordingSink("s")],
      clock: { now: () => T0, sleep: () => Promise.reject(broken) },
    });
    await bus.emit(started("r1"));
    await turn();
    await expect(monitor.settled()).rejects.toThrow(
      new Error("The alert monitor's clock failed a stall timer."),
    );
    monitor.dispose();
  });
});
