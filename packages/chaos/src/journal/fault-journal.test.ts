import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal, type FaultEntry } from "./fault-journal.js";
import { FAULT_LAYERS, FaultLayer } from "./fault-layer.js";

describe("FaultLayer", () => {
  it("names the six chaos layers", () => {
    expect(FAULT_LAYERS).toEqual(["network", "github", "fs", "process", "git", "engine"]);
    expect(FaultLayer.Github).toBe("github");
  });
});

describe("createFaultJournal: record and entries", () => {
  it("stamps each entry with a sequence number and the virtual time in ISO-8601 UTC", async () => {
    const clock = createVirtualClock();
    const journal = createFaultJournal(clock);
    const first = journal.record({ layer: "fs", fault: "ENOSPC", target: "/repo/.git/index" });
    await clock.sleep(1500);
    journal.record({
      layer: "github",
      fault: "rate-limit.secondary",
      target: "POST /repos/o/r/issues",
      outcome: "403",
      detail: { retryAfterSeconds: 60 },
    });
    expect(first).toEqual({
      seq: 1,
      at: "2026-01-01T00:00:00.000Z",
      layer: "fs",
      fault: "ENOSPC",
      target: "/repo/.git/index",
    });
    expect(journal.entries()).toEqual([
      first,
      {
        seq: 2,
        at: "2026-01-01T00:00:01.500Z",
        layer: "github",
        fault: "rate-limit.secondary",
        target: "POST /repos/o/r/issues",
        outcome: "403",
        detail: { retryAfterSeconds: 60 },
      },
    ]);
  });

  it("returns a copy of its entries, frozen, that later records do not change", () => {
    const journal = createFaultJournal(createVirtualClock());
    journal.record({ layer: "git", fault: "index-lock", target: "/repo" });
    const entries = journal.entries();
    journal.record({ layer: "git", fault: "detached-head", target: "/repo" });
    expect(entries.length).toBe(1);
    expect(Object.isFrozen(entries[0])).toBe(true);
  });

  it("keeps its own copy of the detail", () => {
    const journal = createFaultJournal(createVirtualClock());
    const detail = { paths: ["a"] };
    journal.record({ layer: "fs", fault: "EIO", target: "a", detail });
    detail.paths.push("b");
    expect(journal.entries()[0]?.detail).toEqual({ paths: ["a"] });
  });
});

describe("createFaultJournal: toNdjson", () => {
  it("writes one JSON line per entry in a fixed key order", () => {
    const journal = createFaultJournal(createVirtualClock(0));
    journal.record({ outcome: "killed", target: "child", fault: "SIGKILL", layer: "process" });
    journal.record({ layer: "network", fault: "reset_peer", target: "proxy:github" });
    expect(journal.toNdjson()).toBe(
      '{"seq":1,"at":"1970-01-01T00:00:00.000Z","layer":"process","fault":"SIGKILL","target":"child","outcome":"killed"}\n' +
        '{"seq":2,"at":"1970-01-01T00:00:00.000Z","layer":"network","fault":"reset_peer","target":"proxy:github"}\n',
    );
  });

  it("is empty for an empty journal", () => {
    expect(createFaultJournal(createVirtualClock()).toNdjson()).toBe("");
  });
});

describe("createFaultJournal: fired", () => {
  it("counts all faults, a layer's faults, or one fault kind of a layer", () => {
    const journal = createFaultJournal(createVirtualClock());
    journal.record({ layer: "fs", fault: "ENOSPC", target: "a" });
    journal.record({ layer: "fs", fault: "EIO", target: "b" });
    journal.record({ layer: "fs", fault: "ENOSPC", target: "c" });
    journal.record({ layer: "engine", fault: "throw", target: "state.journal.synced" });
    expect(journal.fired()).toBe(4);
    expect(journal.fired("fs")).toBe(3);
    expect(journal.fired("fs", "ENOSPC")).toBe(2);
    expect(journal.fired(undefined, "throw")).toBe(1);
    expect(journal.fired("network")).toBe(0);
  });
});

describe("createFaultJournal: subscribe", () => {
  it("hands each new entry to a listener synchronously until it is disposed", () => {
    const journal = createFaultJournal(createVirtualClock());
    const seen: FaultEntry[] = [];
    const dispose = journal.subscribe((entry) => seen.push(entry));
    const first = journal.record({ layer: "git", fault: "garbage-head", target: "/repo" });
    expect(seen).toEqual([first]);
    dispose();
    journal.record({ layer: "git", fault: "garbage-head", target: "/repo" });
    expect(seen).toEqual([first]);
  });
});

describe("createFaultJournal: validation", () => {
  it("refuses an unknown layer, naming the field", () => {
    const journal = createFaultJournal(createVirtualClock());
    expect(() => journal.record({ layer: "disk" as FaultLayer, fault: "x", target: "y" })).toThrow(
      new TypeError(
        'Invalid fault record: layer: Invalid option: expected one of "network"|"github"|"fs"|"process"|"git"|"engine". Please fix the fields named.',
      ),
    );
    expect(journal.fired()).toBe(0);
  });

  it("refuses an empty fault and an unknown field, naming both", () => {
    const journal = createFaultJournal(createVirtualClock());
    const record = { layer: "fs", fault: "", target: "y", extra: 1 } as never;
    expect(() => journal.record(record)).toThrow(
      new TypeError(
        "Invalid fault record: fault: must be a non-empty string; extra: is not a known field. Please fix the fields named.",
      ),
    );
  });

  it("refuses a detail that is not JSON", () => {
    const journal = createFaultJournal(createVirtualClock());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const message =
      "Invalid fault record: detail: must be a plain object of JSON values (strings, finite numbers, booleans, null, arrays, objects). Please fix the fields named.";
    for (const detail of [{ at: new Date(0) }, { n: Number.NaN }, cyclic, ["a"]]) {
      expect(() =>
        journal.record({ layer: "fs", fault: "EIO", target: "a", detail: detail as never }),
      ).toThrow(new TypeError(message));
    }
  });

  it("refuses a clock without now()", () => {
    expect(() => createFaultJournal({} as never)).toThrow(
      new TypeError(
        "createFaultJournal(clock) needs a clock with now(), such as the virtual clock.",
      ),
    );
  });
});
