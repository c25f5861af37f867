import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeFileSystem } from "../../ports/file-system.js";
import { createVirtualClock } from "../../ports/virtual-clock.js";
import type { Alert } from "../alerts.js";
import { createEventLogSink, readEvents } from "../event-log.js";
import { eventLogSink } from "./event-log-sink.js";

const alert: Alert = {
  runId: "r1",
  level: "critical",
  code: "ALERT-DISK-LOW",
  message: "Free disk space fell to 12 MiB.",
};

describe("event log alert sink", () => {
  it("records the alert as an alert event in events.ndjson", async () => {
    const root = await mkdtemp(join(tmpdir(), "wfm-alert-log-"));
    try {
      const log = createEventLogSink({
        fs: nodeFileSystem,
        clock: createVirtualClock(Date.UTC(2026, 0, 1)),
        root,
      });
      const sink = eventLogSink(log);
      expect(await sink.deliver(alert)).toEqual({ ok: true, value: undefined });
      await log.close();
      const read = await readEvents({ fs: nodeFileSystem, root, runId: "r1" });
      expect(read.events).toEqual([
        {
          at: "2026-01-01T00:00:00.000Z",
          type: "alert",
          runId: "r1",
          level: "critical",
          code: "ALERT-DISK-LOW",
          message: "Free disk space fell to 12 MiB.",
        },
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("returns a failed write as an error result", async () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    const sink = eventLogSink({ emit: () => Promise.reject(full) });
    expect(await sink.deliver(alert)).toEqual({ ok: false, error: full });
  });
});
