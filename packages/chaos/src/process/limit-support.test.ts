import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLimitSupport } from "./limit-support.js";

async function ownMemoryCgroup(): Promise<string> {
  const line = (await readFile("/proc/self/cgroup", "utf8"))
    .split("\n")
    .find((entry) => entry.split(":")[1]?.split(",").includes("memory"));
  return line?.split(":")[2] ?? "/";
}

describe("checkLimitSupport on this machine (Linux, root, util-linux, cgroup v1)", () => {
  it("finds every mechanism, and the cgroup children go under this process's own", async () => {
    const report = await checkLimitSupport();
    expect(report.heap).toEqual({
      available: true,
      detail: "NODE_OPTIONS=--max-old-space-size=<MiB> (honoured by Node programs only)",
    });
    expect(report.prlimit.available).toBe(true);
    expect(report.prlimit.available && report.prlimit.detail).toMatch(
      /^prlimit: prlimit from util-linux \d+\.\d+/,
    );
    expect(report.cgroupMemory).toEqual({
      available: true,
      detail: join("/sys/fs/cgroup/memory", await ownMemoryCgroup()),
    });
  });
});

describe("checkLimitSupport where a mechanism is missing", () => {
  it("reports a missing prlimit program with what to install", async () => {
    const report = await checkLimitSupport({ prlimit: "/nonexistent/prlimit" });
    expect(report.prlimit).toEqual({
      available: false,
      reason:
        "The prlimit program `/nonexistent/prlimit` was not found (it comes with util-linux: apt-get install util-linux).",
    });
  });

  it("reports a missing cgroup v1 memory controller", async () => {
    const root = await mkdtemp(join(tmpdir(), "wfm-no-cgroup-"));
    try {
      const report = await checkLimitSupport({ cgroupMemoryRoot: root });
      expect(report.cgroupMemory).toEqual({
        available: false,
        reason: `No cgroup v1 memory controller at ${root} (ENOENT: no such file or directory, access '${root}/memory.limit_in_bytes'); hosts with cgroup v2 only are not supported.`,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reports a cgroup parent it cannot create children in", async () => {
    const report = await checkLimitSupport({ cgroupParent: "/no-such-parent" });
    expect(report.cgroupMemory).toEqual({
      available: false,
      reason: `Cannot create a memory cgroup under /sys/fs/cgroup/memory/no-such-parent (ENOENT: no such file or directory, mkdir '/sys/fs/cgroup/memory/no-such-parent/wfm-chaos-probe-${process.pid}'); it needs root and a writable cgroup filesystem.`,
    });
  });
});
