import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { checkLimitSupport } from "./limit-support.js";
import { runChild } from "./run-child.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-chaos-limits-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const node = (script: string, limits: Parameters<typeof runChild>[0]["limits"]) =>
  runChild({ command: process.execPath, args: ["-e", script], limits });

/** The soft and hard values of one line of the child's /proc/self/limits. */
const LIMIT_LINE = (name: string) =>
  `{ const line = require("fs").readFileSync("/proc/self/limits", "utf8").split("\\n").find((l) => l.startsWith(${JSON.stringify(name)})); console.log(line.slice(${name.length}).trim().split(/\\s+/).slice(0, 2).join(" ")); }`;

describe("runChild limits: open files (prlimit --nofile)", () => {
  it("sets the limit, and opening past it fails with EMFILE", async () => {
    const handle = await node(
      `${LIMIT_LINE("Max open files")}
       const fs = require("fs"); const fds = []; let error = "none";
       try { for (let i = 0; i < 200; i++) fds.push(fs.openSync("/dev/null", "r")); } catch (e) { error = e.code; }
       console.log(error, fds.length + 1 <= 40);`,
      { openFiles: 40 },
    );
    const exit = await handle.exited;
    expect(exit).toMatchObject({ code: 0, signal: null, stdout: ["40 40", "EMFILE true"] });
    expect(exit.limits).toEqual([
      { limit: "open-files", value: 40, available: true, via: "prlimit --nofile=40" },
    ]);
  });
});

describe("runChild limits: file size (prlimit --fsize)", () => {
  it("stops a write at the limit with EFBIG, the file holding exactly the limit", async () => {
    const file = join(dir, "big.bin");
    const handle = await node(
      `try { require("fs").writeFileSync(${JSON.stringify(file)}, Buffer.alloc(200 * 1024, 1)); console.log("written"); } catch (e) { console.log(e.code, e.syscall); }`,
      { fileSizeBytes: 64 * 1024 },
    );
    const exit = await handle.exited;
    expect(exit).toMatchObject({ code: 0, signal: null, stdout: ["EFBIG write"], stderr: [] });
    expect((await stat(file)).size).toBe(64 * 1024);
  });
});

describe("runChild limits: address space (prlimit --as)", () => {
  it("sets RLIMIT_AS; Node needs about 1 GiB of it just to start, so 4 GiB runs", async () => {
    const handle = await node(LIMIT_LINE("Max address space"), { addressSpaceBytes: 4 * GiB });
    const exit = await handle.exited;
    expect(exit).toMatchObject({ code: 0, signal: null, stdout: ["4294967296 4294967296"] });
  });
});

describe("runChild limits: V8 heap (--max-old-space-size)", () => {
  it("passes the heap size through NODE_OPTIONS, after the caller's own options", async () => {
    const handle = await runChild({
      command: process.execPath,
      args: [
        "-e",
        'console.log(process.env.NODE_OPTIONS); console.log(require("v8").getHeapStatistics().heap_size_limit)',
      ],
      env: { NODE_OPTIONS: "--no-warnings" },
      limits: { heapMiB: 64 },
    });
    const exit = await handle.exited;
    expect(exit.stdout[0]).toBe("--no-warnings --max-old-space-size=64");
    // Old space 64 MiB plus the young generation: far below the default of several GiB.
    const limit = Number(exit.stdout[1]);
    expect(limit).toBeGreaterThanOrEqual(64 * MiB);
    expect(limit).toBeLessThan(128 * MiB);
    expect(exit.limits).toEqual([
      { limit: "heap", value: 64, available: true, via: "NODE_OPTIONS=--max-old-space-size=64" },
    ]);
  });

  it("ends a child that outgrows the heap with V8's fatal out-of-memory abort", async () => {
    const handle = await node("const keep = []; for (;;) keep.push(new Array(100000).fill(1));", {
      heapMiB: 32,
    });
    const exit = await handle.exited;
    expect([exit.code, exit.signal]).toEqual([null, "SIGABRT"]);
    expect(exit.stderr.some((line) => line.includes("JavaScript heap out of memory"))).toBe(true);
  });
});

describe("runChild limits: cgroup v1 memory", () => {
  it("runs the child inside a fresh memory cgroup with the limit, and removes it after", async () => {
    const support = await checkLimitSupport();
    expect(support.cgroupMemory.available).toBe(true);
    const handle = await node(
      'console.log(process.constrainedMemory()); console.log(require("fs").readFileSync("/proc/self/cgroup", "utf8").split("\\n").find((l) => l.includes(":memory:")))',
      { memoryBytes: 192 * MiB },
    );
    const exit = await handle.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout[0]).toBe(String(192 * MiB));
    const parent = support.cgroupMemory.available ? support.cgroupMemory.detail : "";
    const cgroup = exit.stdout[1]?.split(":")[2] ?? "";
    expect(cgroup).toMatch(new RegExp(`/wfm-chaos-${process.pid}-\\d+$`));
    expect(join("/sys/fs/cgroup/memory", cgroup).startsWith(`${parent}/`)).toBe(true);
    await expect(stat(join("/sys/fs/cgroup/memory", cgroup))).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(exit.memory?.oomKills).toBe(0);
    expect(exit.memory?.maxUsageBytes).toBeGreaterThan(0);
    expect(exit.memory?.maxUsageBytes).toBeLessThanOrEqual(192 * MiB);
  });

  it("gets a child that outgrows the limit OOM-killed by the kernel (SIGKILL), counted", async () => {
    const handle = await node(
      "const keep = []; for (;;) keep.push(Buffer.alloc(1024 * 1024, 1));",
      { memoryBytes: 96 * MiB },
    );
    const exit = await handle.exited;
    expect([exit.code, exit.signal]).toEqual([null, "SIGKILL"]);
    expect(exit.memory?.oomKills).toBe(1);
  });
});

describe("runChild limits: when a mechanism is missing", () => {
  const missing = { prlimit: "/nonexistent/prlimit", cgroupParent: "/no-such-parent" };

  it("refuses to start by default, naming each limit and why", async () => {
    await expect(
      runChild({
        command: process.execPath,
        args: ["-e", ""],
        label: "probe",
        limits: { openFiles: 64, memoryBytes: 128 * MiB },
        limitSupport: missing,
      }),
    ).rejects.toThrow(
      new Error(
        `Failed to start \`probe\` under its resource limits: open-files: The prlimit program \`/nonexistent/prlimit\` was not found (it comes with util-linux: apt-get install util-linux). memory: Cannot create a memory cgroup under /sys/fs/cgroup/memory/no-such-parent (ENOENT: no such file or directory, mkdir '/sys/fs/cgroup/memory/no-such-parent/wfm-chaos-probe-${process.pid}'); it needs root and a writable cgroup filesystem. Run it where these work (Linux, root, util-linux, cgroup v1), drop those limits, or pass limits.ifUnavailable: "run-without".`,
      ),
    );
  });

  it('runs without them on "run-without", reporting and journaling each', async () => {
    const journal = createFaultJournal(createVirtualClock());
    const handle = await runChild({
      command: process.execPath,
      args: [
        "-e",
        'console.log(require("fs").readFileSync("/proc/self/limits", "utf8").includes("Max open files            64 "))',
      ],
      label: "probe",
      limits: { openFiles: 64, heapMiB: 256, ifUnavailable: "run-without" },
      limitSupport: missing,
      journal,
    });
    const reason =
      "The prlimit program `/nonexistent/prlimit` was not found (it comes with util-linux: apt-get install util-linux).";
    expect(handle.limits).toEqual([
      { limit: "heap", value: 256, available: true, via: "NODE_OPTIONS=--max-old-space-size=256" },
      { limit: "open-files", value: 64, available: false, reason },
    ]);
    expect((await handle.exited).stdout).toEqual(["false"]);
    expect(journal.entries().map((entry) => [entry.outcome, entry.detail])).toEqual([
      ["applied", { limit: "heap", value: 256, via: "NODE_OPTIONS=--max-old-space-size=256" }],
      ["unavailable", { limit: "open-files", value: 64, reason }],
    ]);
  });
});

describe("runChild limits: reading them back", () => {
  it("applies several prlimit limits in one wrapper", async () => {
    const handle = await node(`${LIMIT_LINE("Max open files")} ${LIMIT_LINE("Max file size")}`, {
      openFiles: 100,
      fileSizeBytes: 1 * MiB,
    });
    expect((await handle.exited).stdout).toEqual(["100 100", "1048576 1048576"]);
    expect(await readFile("/proc/self/limits", "utf8")).not.toContain(
      "Max open files            100 ",
    );
  });
});
