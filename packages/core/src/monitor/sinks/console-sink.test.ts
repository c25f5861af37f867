import { describe, expect, it } from "vitest";
import type { Alert } from "../alerts.js";
import { consoleSink } from "./console-sink.js";

const alert: Alert = {
  runId: "r1",
  level: "warning",
  code: "ALERT-RETRIES",
  message: "11 retries in this run\n  (threshold 10).",
};

describe("console sink", () => {
  it("writes one readable line per alert", async () => {
    const lines: string[] = [];
    const sink = consoleSink((line) => lines.push(line));
    expect(await sink.deliver(alert)).toEqual({ ok: true, value: undefined });
    expect(lines).toEqual([
      "workflowmaster alert [warning] ALERT-RETRIES run r1: 11 retries in this run (threshold 10).\n",
    ]);
    expect(sink.name).toBe("console");
  });

  it("returns a failed write as an error result instead of throwing", async () => {
    const broken = new Error("EPIPE: broken pipe, write");
    const sink = consoleSink(() => {
      throw broken;
    });
    expect(await sink.deliver(alert)).toEqual({ ok: false, error: broken });
  });
});
