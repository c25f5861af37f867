import { describe, expect, it } from "vitest";
import { err, ok } from "../../errors/result.js";
import type { Alert } from "../alerts.js";
import type { AlertSink } from "./alert-sink.js";
import { deferredSink } from "./deferred-sink.js";

const alert = (code: Alert["code"]): Alert => ({
  runId: "r1",
  level: "warning",
  code,
  message: code,
});

function recording(): AlertSink & { received: string[] } {
  const received: string[] = [];
  return {
    name: "issue comment octo/app#1",
    received,
    deliver: async (a) => {
      received.push(a.code);
      return a.code === "ALERT-DISK-LOW" ? err(new Error("403")) : ok(undefined);
    },
  };
}

describe("a deferred sink", () => {
  it("holds alerts until opened, then delivers them in order through the destination", async () => {
    const sink = deferredSink("issue comment (once the issue exists)");
    const target = recording();
    expect(sink.name).toBe("issue comment (once the issue exists)");
    const first = sink.deliver(alert("ALERT-RETRIES"));
    const second = sink.deliver(alert("ALERT-DISK-LOW"));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(target.received).toEqual([]);
    sink.open(target);
    expect(sink.name).toBe("issue comment octo/app#1");
    expect(await first).toEqual({ ok: true, value: undefined });
    expect(await second).toEqual({ ok: false, error: new Error("403") });
    expect(await sink.deliver(alert("ALERT-RECOVERIES"))).toEqual({ ok: true, value: undefined });
    expect(target.received).toEqual(["ALERT-RETRIES", "ALERT-DISK-LOW", "ALERT-RECOVERIES"]);
    expect(sink.undelivered).toEqual([]);
  });

  it("releases held and later alerts as undelivered once cancelled", async () => {
    const sink = deferredSink("issue comment");
    const held = sink.deliver(alert("ALERT-RETRIES"));
    sink.cancel();
    sink.open(recording());
    expect(await held).toEqual({ ok: true, value: undefined });
    expect(await sink.deliver(alert("ALERT-RECOVERIES"))).toEqual({ ok: true, value: undefined });
    expect(sink.undelivered.map((a) => a.code)).toEqual(["ALERT-RETRIES", "ALERT-RECOVERIES"]);
    expect(sink.name).toBe("issue comment");
  });
});
