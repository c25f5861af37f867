import { describe, expect, it } from "vitest";
import type { LimitSupportReport } from "./limit-support.js";
import { hasAnyLimit, planLimits, prlimitArguments } from "./plan-limits.js";

const everything: LimitSupportReport = {
  heap: { available: true, detail: "NODE_OPTIONS" },
  prlimit: { available: true, detail: "prlimit: prlimit from util-linux 2.38.1" },
  cgroupMemory: { available: true, detail: "/sys/fs/cgroup/memory/a" },
};

describe("planLimits", () => {
  it("names the mechanism of each asked limit, in a fixed order", () => {
    const limits = {
      memoryBytes: 1048576,
      addressSpaceBytes: 4096,
      fileSizeBytes: 10,
      openFiles: 64,
      heapMiB: 32,
    };
    expect(planLimits(limits, everything)).toEqual([
      { limit: "heap", value: 32, available: true, via: "NODE_OPTIONS=--max-old-space-size=32" },
      { limit: "open-files", value: 64, available: true, via: "prlimit --nofile=64" },
      { limit: "file-size", value: 10, available: true, via: "prlimit --fsize=10" },
      { limit: "address-space", value: 4096, available: true, via: "prlimit --as=4096" },
      {
        limit: "memory",
        value: 1048576,
        available: true,
        via: "cgroup v1 /sys/fs/cgroup/memory/a/wfm-chaos-*/memory.limit_in_bytes=1048576",
      },
    ]);
    expect(prlimitArguments(limits, planLimits(limits, everything))).toEqual([
      "--nofile=64",
      "--fsize=10",
      "--as=4096",
    ]);
  });

  it("gives each limit of a missing mechanism that mechanism's reason, and no prlimit option", () => {
    const support = { ...everything, prlimit: { available: false, reason: "no prlimit" } } as const;
    const outcomes = planLimits({ openFiles: 64, heapMiB: 32 }, support);
    expect(outcomes).toEqual([
      { limit: "heap", value: 32, available: true, via: "NODE_OPTIONS=--max-old-space-size=32" },
      { limit: "open-files", value: 64, available: false, reason: "no prlimit" },
    ]);
    expect(prlimitArguments({ openFiles: 64 }, outcomes)).toEqual([]);
  });
});

describe("hasAnyLimit", () => {
  it("is false for no limits and for ifUnavailable alone", () => {
    expect(hasAnyLimit({})).toBe(false);
    expect(hasAnyLimit({ ifUnavailable: "run-without" })).toBe(false);
    expect(hasAnyLimit({ fileSizeBytes: 0 })).toBe(true);
  });
});
