import { Volume } from "memfs";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { createFaultFileSystem, type FaultFileSystem } from "./fault-fs.js";
import type { FaultFileSystemOptions } from "./fault-fs-options.js";
import type { FsFaultRule } from "./rules/fs-fault-rule.js";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function setup(overrides: Partial<FaultFileSystemOptions> = {}) {
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const fs = createFaultFileSystem({
    random: createSeed(1).stream("fs"),
    journal,
    clock,
    ...overrides,
  });
  return { clock, journal, fs };
}

/** The error a promise rejects with, as a plain object of Node's own fields. */
async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const { errno, code, syscall, path, dest } = error as Record<string, unknown>;
    return {
      name: (error as Error).name,
      message: (error as Error).message,
      keys: Object.keys(error as object),
      errno,
      code,
      syscall,
      path,
      dest,
    };
  }
  throw new Error("expected a rejection");
}

async function writeFile(fs: FaultFileSystem, path: string, data: string, flags = "w") {
  const handle = await fs.open(path, flags);
  const result = await handle.write(bytes(data));
  await handle.close();
  return result;
}

describe("createFaultFileSystem: the FileSystem port over memfs", () => {
  it("opens, writes at the offset or a position, syncs, closes and reads back files", async () => {
    const { fs } = setup();
    await fs.mkdir("/a/b", { recursive: true });
    expect(await writeFile(fs, "/a/b/f", "hello")).toEqual({ bytesWritten: 5 });
    expect(await writeFile(fs, "/a/b/f", " world", "a")).toEqual({ bytesWritten: 6 });
    expect(text(await fs.readFile("/a/b/f"))).toBe("hello world");
    // As with fs.write: a write without a position moves the handle's
    // offset, a positioned write (pwrite) does not.
    const handle = await fs.open("/a/b/f", "r+");
    await handle.write(bytes("Hel"));
    await handle.write(bytes("J"), 0);
    await handle.write(bytes("p"));
    await handle.sync();
    await handle.close();
    expect(text(await fs.readFile("/a/b/f"))).toBe("Jelpo world");
  });

  it("truncates on open with w, creates exclusively with wx", async () => {
    const { fs } = setup();
    await writeFile(fs, "/f", "long content");
    await writeFile(fs, "/f", "new");
    expect(text(await fs.readFile("/f"))).toBe("new");
    expect(await rejection(fs.open("/f", "wx"))).toEqual({
      name: "Error",
      message: "EEXIST: file already exists, open '/f'",
      keys: expect.arrayContaining(["code", "errno", "syscall", "path"]),
      errno: -17,
      code: "EEXIST",
      syscall: "open",
      path: "/f",
      dest: undefined,
    });
  });

  it("renames, unlinks, lists, stats, truncates and removes trees", async () => {
    const { fs, clock } = setup();
    await fs.mkdir("/d");
    await writeFile(fs, "/d/one", "1111");
    clock.advance(5000);
    await writeFile(fs, "/d/two", "22");
    await fs.rename("/d/one", "/d/three");
    expect((await fs.readdir("/d")).sort()).toEqual(["three", "two"]);
    const stat = await fs.stat("/d/two");
    expect([stat.size, stat.isFile(), stat.isDirectory(), stat.mtimeMs]).toEqual([
      2,
      true,
      false,
      clock.now(),
    ]);
    expect((await fs.stat("/d")).isDirectory()).toBe(true);
    await fs.truncate("/d/three", 1);
    expect(text(await fs.readFile("/d/three"))).toBe("1");
    await fs.unlink("/d/two");
    expect(await fs.readdir("/d")).toEqual(["three"]);
    await fs.rm("/d", { recursive: true });
    expect(await fs.readdir("/")).toEqual([]);
    await fs.rm("/d", { force: true });
  });

  it("passes memfs's errors through in Node's shape", async () => {
    const { fs } = setup();
    expect(await rejection(fs.readFile("/missing"))).toMatchObject({
      message: "ENOENT: no such file or directory, open '/missing'",
      code: "ENOENT",
      errno: -2,
    });
    expect(await rejection(fs.rename("/x", "/y"))).toMatchObject({
      message: "ENOENT: no such file or directory, rename '/x' -> '/y'",
      path: "/x",
      dest: "/y",
    });
    expect(await rejection(fs.syncDirectory("/nowhere"))).toMatchObject({
      message: "ENOENT: no such file or directory, open '/nowhere'",
    });
  });

  it("refuses writes to a closed or read-only handle with EBADF", async () => {
    const { fs } = setup();
    await writeFile(fs, "/f", "x");
    const reader = await fs.open("/f", "r");
    expect(await rejection(reader.write(bytes("y")))).toMatchObject({
      message: "EBADF: bad file descriptor, write",
      syscall: "write",
    });
    await reader.close();
    expect(await rejection(reader.close())).toMatchObject({ code: "EBADF", syscall: "close" });
  });

  it("starts from a given volume's contents", async () => {
    const volume = Volume.fromJSON({ "/repo/README": "hi", "/repo/empty": "" });
    const { fs } = setup({ volume });
    expect(text(await fs.readFile("/repo/README"))).toBe("hi");
    expect(fs.usedBytes).toBe(2);
    expect(fs.volume).toBe(volume);
  });

  it("refuses relative paths and unknown flags as programmer errors", async () => {
    const { fs } = setup();
    await expect(fs.readFile("relative/path")).rejects.toThrow(
      new TypeError('readFile: the fault filesystem needs an absolute path, got "relative/path"'),
    );
    await expect(fs.open("/f", "q")).rejects.toThrow(TypeError);
  });
});

describe("createFaultFileSystem: errno faults by rule", () => {
  const cases: Array<{
    rule: FsFaultRule;
    call: (fs: FaultFileSystem) => Promise<unknown>;
    error: Record<string, unknown>;
  }> = [
    {
      rule: { fault: "EACCES", operation: "open", path: "/secret/*" },
      call: (fs) => fs.open("/secret/key", "w"),
      error: {
        message: "EACCES: permission denied, open '/secret/key'",
        errno: -13,
        code: "EACCES",
        syscall: "open",
        path: "/secret/key",
      },
    },
    {
      rule: { fault: "EROFS", operation: ["mkdir", "rename"] },
      call: (fs) => fs.mkdir("/new"),
      error: {
        message: "EROFS: read-only file system, mkdir '/new'",
        errno: -30,
        code: "EROFS",
        syscall: "mkdir",
        path: "/new",
      },
    },
    {
      rule: { fault: "EIO", operation: "sync" },
      call: async (fs) => (await fs.open("/f", "w")).sync(),
      error: { message: "EIO: i/o error, fsync", errno: -5, code: "EIO", syscall: "fsync" },
    },
    {
      rule: { fault: "EMFILE", operation: "open" },
      call: (fs) => fs.open("/f", "r"),
      error: {
        message: "EMFILE: too many open files, open '/f'",
        errno: -24,
        code: "EMFILE",
        syscall: "open",
        path: "/f",
      },
    },
    {
      rule: { fault: "EDQUOT", operation: "write" },
      call: async (fs) => (await fs.open("/f", "w")).write(bytes("x")),
      error: {
        message: "EDQUOT: disk quota exceeded, write",
        errno: -122,
        code: "EDQUOT",
        syscall: "write",
      },
    },
    {
      rule: { fault: "ENOSPC", path: /\.tmp-/ },
      call: (fs) => fs.rename("/f", "/.tmp-1"),
      error: {
        message: "ENOSPC: no space left on device, rename '/f' -> '/.tmp-1'",
        errno: -28,
        code: "ENOSPC",
        syscall: "rename",
        path: "/f",
        dest: "/.tmp-1",
      },
    },
  ];

  for (const { rule, call, error } of cases) {
    it(`raises ${rule.fault as string} shaped as Node's, and journals it`, async () => {
      const { fs, journal } = setup({ rules: [rule] });
      const handle = await fs.open("/f", "w").catch(() => undefined);
      await handle?.close();
      const caught = await call(fs).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(caught).toBeInstanceOf(Error);
      expect({ ...(caught as object), message: (caught as Error).message }).toEqual(error);
      expect(journal.entries().at(-1)).toMatchObject({
        layer: "fs",
        fault: rule.fault,
        outcome: "thrown",
        detail: { by: "rules[0]", syscall: error.syscall },
      });
    });
  }

  it("shapes an injected ENOSPC exactly as Node's own write to /dev/full", async () => {
    const { open } = await import("node:fs/promises");
    const full = await open("/dev/full", "w");
    const real = await full.write(new Uint8Array(1)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await full.close();
    const { fs } = setup({ rules: [{ fault: "ENOSPC", operation: "write" }] });
    const handle = await fs.open("/f", "w");
    const injected = await handle.write(new Uint8Array(1)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    const shape = (error: unknown) => ({
      keys: Object.keys(error as object),
      fields: { ...(error as object) },
      message: (error as Error).message,
      prototype: Object.getPrototypeOf(error),
    });
    expect(shape(injected)).toEqual(shape(real));
  });

  it("leaves calls the rule does not target alone", async () => {
    const { fs, journal } = setup({
      rules: [{ fault: "EIO", operation: "readFile", path: "/x/*" }],
    });
    await fs.mkdir("/x");
    await writeFile(fs, "/y", "fine");
    expect(text(await fs.readFile("/y"))).toBe("fine");
    await expect(fs.readFile("/x/z")).rejects.toMatchObject({ code: "EIO", syscall: "read" });
    expect(journal.fired("fs")).toBe(1);
  });
});

describe("createFaultFileSystem: ordered rules", () => {
  it("fires only the first matching rule (first match wins)", async () => {
    const { fs, journal } = setup({
      rules: [
        { fault: "EACCES", operation: "stat" },
        { fault: "EIO", operation: "stat" },
      ],
    });
    await expect(fs.stat("/")).rejects.toMatchObject({ code: "EACCES" });
    expect(journal.entries().map((entry) => entry.fault)).toEqual(["EACCES"]);
  });

  it("puts use() rules in front and reset() restores the initial list", async () => {
    const { fs } = setup({ rules: [{ fault: "EIO", operation: "stat" }] });
    fs.use({ fault: "EROFS", operation: "stat" });
    await expect(fs.stat("/")).rejects.toMatchObject({ code: "EROFS" });
    fs.reset();
    await expect(fs.stat("/")).rejects.toMatchObject({ code: "EIO" });
  });

  it("fires from the nth matching call, times times", async () => {
    const { fs } = setup({ rules: [{ fault: "EIO", operation: "readdir", nth: 2, times: 2 }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await fs.readdir("/").then(
          () => "ok",
          (error: { code: string }) => error.code,
        ),
      );
    }
    expect(outcomes).toEqual(["ok", "EIO", "EIO", "ok", "ok"]);
  });

  it("fires with the rule's probability, the same calls for the same seed", async () => {
    const run = async (root: number) => {
      const clock = createVirtualClock();
      const fs = createFaultFileSystem({
        random: createSeed(root).stream("fs"),
        journal: createFaultJournal(clock),
        rules: [{ fault: "EIO", operation: "stat", probability: 0.3 }],
      });
      const failed: number[] = [];
      for (let i = 0; i < 200; i++) {
        if (
          await fs.stat("/").then(
            () => false,
            () => true,
          )
        )
          failed.push(i);
      }
      return failed;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
    expect(first.length).toBeGreaterThan(40);
    expect(first.length).toBeLessThan(80);
  });

  it("delays a call on the injected clock for a latency rule", async () => {
    const { fs, clock, journal } = setup({
      rules: [{ fault: { latencyMs: 2500 }, operation: "sync" }],
    });
    const handle = await fs.open("/f", "w");
    await handle.sync();
    expect(clock.elapsed).toBe(2500);
    expect(journal.entries()).toEqual([
      {
        seq: 1,
        at: "2026-01-01T00:00:00.000Z",
        layer: "fs",
        fault: "latency",
        target: "/f",
        outcome: "delayed",
        detail: { operation: "sync", by: "rules[0]", latencyMs: 2500 },
      },
    ]);
  });

  it("releases the descriptor even when close fails", async () => {
    const { fs } = setup({ maxOpenFiles: 1, rules: [{ fault: "EIO", operation: "close" }] });
    const handle = await fs.open("/f", "w");
    await expect(handle.close()).rejects.toMatchObject({ code: "EIO", syscall: "close" });
    // The descriptor was released: a second file opens under a limit of one.
    const next = await fs.open("/g", "w");
    await expect(next.write(new Uint8Array([7]))).resolves.toEqual({ bytesWritten: 1 });
  });
});

describe("createFaultFileSystem: open-file limit", () => {
  it("fails the open past maxOpenFiles with EMFILE until a handle is closed", async () => {
    const { fs, journal } = setup({ maxOpenFiles: 2 });
    const a = await fs.open("/a", "w");
    await fs.open("/b", "w");
    await expect(fs.open("/c", "w")).rejects.toMatchObject({
      message: "EMFILE: too many open files, open '/c'",
    });
    expect(journal.entries().at(-1)?.detail).toEqual({
      operation: "open",
      by: "maxOpenFiles",
      limit: 2,
      syscall: "open",
    });
    await a.close();
    const c = await fs.open("/c", "w");
    await expect(c.write(new Uint8Array([1]))).resolves.toEqual({ bytesWritten: 1 });
  });
});

describe("createFaultFileSystem: options", () => {
  it("names every bad field", () => {
    const clock = createVirtualClock();
    expect(() =>
      createFaultFileSystem({
        random: createSeed(1).stream("fs"),
        journal: createFaultJournal(clock),
        quotaBytes: -1,
        rules: [{ fault: "ENOPE" as "EIO", probabilty: 2 } as unknown as FsFaultRule],
      }),
    ).toThrow(
      "Invalid createFaultFileSystem options: quotaBytes: must be >= 0. Please fix the fields named.",
    );
    expect(() =>
      createFaultFileSystem({
        random: createSeed(1).stream("fs"),
        journal: createFaultJournal(clock),
        rules: [{ fault: "ENOPE" as "EIO", probabilty: 2 } as unknown as FsFaultRule],
      }),
    ).toThrow(
      "Invalid createFaultFileSystem options.rules: [0].fault: must be one of ENOSPC, EACCES, EROFS, EIO, EMFILE, EDQUOT or { latencyMs }; [0].probabilty: is not a known field. Please fix the fields named.",
    );
  });

  it("refuses a latency rule without a clock", () => {
    const clock = createVirtualClock();
    expect(() =>
      createFaultFileSystem({
        random: createSeed(1).stream("fs"),
        journal: createFaultJournal(clock),
        rules: [{ fault: { latencyMs: 10 } }],
      }),
    ).toThrow(
      "Invalid createFaultFileSystem options: rules[0].fault: latency needs a clock. Please pass options.clock (the run's virtual clock).",
    );
  });
});
