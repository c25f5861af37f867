import { Volume } from "memfs";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { type CrashState, type CrashStatesOptions, enumerateCrashStates } from "./crash-states.js";
import { createFaultFileSystem, type FaultFileSystem } from "./fault-fs.js";

const encoder = new TextEncoder();

function newFs(volume?: Volume): FaultFileSystem {
  const clock = createVirtualClock();
  return createFaultFileSystem({
    random: createSeed(1).stream("fs"),
    journal: createFaultJournal(clock),
    clock,
    ...(volume ? { volume } : {}),
  });
}

async function writeFile(fs: FaultFileSystem, path: string, text: string, sync: boolean) {
  const handle = await fs.open(path, "w");
  await handle.write(encoder.encode(text));
  if (sync) await handle.sync();
  await handle.close();
}

function enumerate(fs: FaultFileSystem, options: Partial<CrashStatesOptions> = {}) {
  const seen: CrashState[] = [];
  const report = enumerateCrashStates(fs.trace(), {
    random: createSeed(2).stream("fs-crash-states"),
    check: (state) => {
      seen.push(state);
    },
    ...options,
  });
  return report.then((result) => ({ ...result, seen }));
}

describe("enumerateCrashStates: counts for small traces", () => {
  it("has one state, the starting disk, for an empty trace", async () => {
    const result = await enumerate(newFs(Volume.fromJSON({ "/a": "x" })));
    expect({ ...result, seen: result.seen.map((state) => state.volume.toJSON()) }).toEqual({
      crashPoints: 1,
      combinations: 1,
      inconsistent: 0,
      duplicates: 0,
      states: 1,
      failures: [],
      seen: [{ "/a": "x" }],
    });
  });

  // mkdir /d · fsync / · create /d/f · write 10 bytes · fsync /d/f
  async function fiveOps() {
    const fs = newFs();
    await fs.mkdir("/d");
    await fs.syncDirectory("/");
    await writeFile(fs, "/d/f", "0123456789", true);
    return fs;
  }

  it("counts every prefix × torn last write × lost or kept entries (ends: 1, n/2, n − 1)", async () => {
    const result = await enumerate(await fiveOps());
    // Crash points 0…5: 1 (start) + 2 (mkdir lost/kept) + 1 (after fsync /)
    // + 2 (create lost/kept) + 2 × 6 (create lost/kept × write complete,
    // prefix 1, 5, 9, zeros, garbage) + 2 (create still lost/kept) = 20;
    // with the create lost the six writes leave one disk: 5 duplicates.
    expect([
      result.crashPoints,
      result.combinations,
      result.inconsistent,
      result.duplicates,
    ]).toEqual([6, 20, 0, 5]);
    expect(result.states).toBe(15);
    expect(
      result.seen.filter((state) => state.crashPoint === 4).map((state) => state.volume.toJSON()),
    ).toEqual([
      { "/d": null },
      { "/d/f": "0123456789" },
      { "/d/f": "0" },
      { "/d/f": "01234" },
      { "/d/f": "012345678" },
      { "/d/f": "\u0000".repeat(10) },
      { "/d/f": expect.any(String) },
    ]);
    expect(result.seen.map((state) => state.description)).toContain(
      "crash after op 4 of 5 (write /d/f (10 bytes at 0)); torn: prefix 5 of 10 bytes; nothing lost",
    );
  });

  it("tries n/2 only for half, and every length for every-byte", async () => {
    const half = await enumerate(await fiveOps(), { tornPrefixes: "half" });
    expect([half.combinations, half.duplicates, half.states]).toEqual([16, 3, 13]);
    const every = await enumerate(await fiveOps(), { tornPrefixes: "every-byte" });
    expect([every.combinations, every.duplicates, every.states]).toEqual([32, 11, 21]);
  });

  it("skips combinations no disk can reach: a rename kept while the create it moves was lost", async () => {
    const fs = newFs();
    await fs.mkdir("/d");
    await fs.syncDirectory("/");
    await (await fs.open("/d/a", "w")).close();
    await fs.rename("/d/a", "/d/b");
    const result = await enumerate(fs);
    // 1 + 2 + 1 + 2 + 4 (subsets of {create, rename}; {rename} alone is unreachable).
    expect([result.combinations, result.inconsistent, result.duplicates, result.states]).toEqual([
      10, 1, 0, 9,
    ]);
    expect(
      result.seen.filter((state) => state.crashPoint === 4).map((state) => state.volume.toJSON()),
    ).toEqual([{ "/d": null }, { "/d/a": "" }, { "/d/b": "" }]);
  });

  it("keeps the starting disk durable and loses a truncate and a write in order", async () => {
    const fs = newFs(Volume.fromJSON({ "/x": "old" }));
    await writeFile(fs, "/x", "new", false);
    const result = await enumerate(fs);
    // 1 (start) + 2 (truncate lost/kept) + 5 (write complete, prefix 1, 2, zeros, garbage).
    expect([result.combinations, result.states]).toEqual([8, 8]);
    expect(result.seen.slice(0, 6).map((state) => state.volume.toJSON())).toEqual([
      { "/x": "old" },
      { "/x": "old" },
      { "/x": "" },
      { "/x": "new" },
      { "/x": "n" },
      { "/x": "ne" },
    ]);
    expect(result.seen[1]?.lostData).toEqual(["truncate /x to 0"]);
  });
});

describe("enumerateCrashStates: what the checker is told", () => {
  it("counts a mark as acknowledged after its op completes, never after a torn write", async () => {
    const fs = newFs(Volume.fromJSON({ "/f": "" }));
    const handle = await fs.open("/f", "r+");
    await handle.write(encoder.encode("abcd"));
    fs.mark("ack", { n: 1 });
    await handle.sync();
    const result = await enumerate(fs);
    const atWrite = result.seen.filter((state) => state.crashPoint === 1);
    expect(
      atWrite.map((state) => [state.torn?.kind ?? "complete", state.acknowledged.length]),
    ).toEqual([
      ["complete", 1],
      ["prefix", 0],
      ["prefix", 0],
      ["prefix", 0],
      ["zeros", 0],
      ["garbage", 0],
    ]);
    expect(atWrite[0]?.acknowledged).toEqual([{ at: 1, label: "ack", data: { n: 1 } }]);
    expect(atWrite[0]?.op).toEqual({
      kind: "write",
      ino: 1,
      offset: 0,
      data: encoder.encode("abcd"),
      path: "/f",
    });
  });

  it("collects every state the checker rejects, with its description, and checks the rest", async () => {
    const fs = newFs();
    await writeFile(fs, "/f", "data", true);
    fs.mark("saved");
    const result = await enumerate(fs, {
      check: (state) => {
        if (state.acknowledged.length > 0 && !state.volume.existsSync("/f")) {
          throw new Error("acknowledged file missing");
        }
      },
    });
    expect(
      result.failures.map(({ crashPoint, description, message }) => ({
        crashPoint,
        description,
        message,
      })),
    ).toEqual([
      {
        crashPoint: 3,
        description: "crash after op 3 of 3 (fsync /f); lost: create /f",
        message: "acknowledged file missing",
      },
    ]);
    // 1 + 2 + 7 (the create lost leaves one disk for all six writes) + 2.
    expect(result.states).toBe(12);
  });

  it("gives each state its own volume", async () => {
    const fs = newFs();
    await writeFile(fs, "/f", "data", false);
    const volumes: Volume[] = [];
    await enumerate(fs, {
      check: (state) => {
        volumes.push(state.volume);
        state.volume.writeFileSync("/scribble", "x");
      },
    });
    expect(new Set(volumes).size).toBe(volumes.length);
    expect(volumes.map((volume) => Object.keys(volume.toJSON()).includes("/scribble"))).toEqual(
      volumes.map(() => true),
    );
  });
});

describe("enumerateCrashStates: bounds", () => {
  it("refuses a trace with more pending directory ops than allowed, before checking anything", async () => {
    const fs = newFs();
    for (const name of ["a", "b", "c"]) await (await fs.open(`/${name}`, "w")).close();
    let checked = 0;
    await expect(
      enumerateCrashStates(fs.trace(), {
        random: createSeed(2).stream("fs-crash-states"),
        check: () => {
          checked++;
        },
        maxPendingDirectoryOps: 2,
      }),
    ).rejects.toThrow(
      new RangeError(
        "enumerateCrashStates: crash point 3 has 3 directory operations no directory fsync covers (more than maxPendingDirectoryOps = 2, so 2^3 subsets). Sync directories in the workload, shorten it, or raise maxPendingDirectoryOps.",
      ),
    );
    expect(checked).toBe(0);
  });

  it("refuses a trace with more combinations than allowed", async () => {
    const fs = newFs();
    await writeFile(fs, "/f", "data", true);
    await expect(
      enumerateCrashStates(fs.trace(), {
        random: createSeed(2).stream("fs-crash-states"),
        check: () => undefined,
        maxCombinations: 5,
      }),
    ).rejects.toThrow(
      "enumerateCrashStates: the trace has more than maxCombinations = 5 crash-state combinations (reached at crash point 2 of 3).",
    );
  });

  it("names a bad option", async () => {
    await expect(
      enumerateCrashStates(newFs().trace(), {
        random: createSeed(2).stream("fs-crash-states"),
        check: "yes" as unknown as CrashStatesOptions["check"],
      }),
    ).rejects.toThrow(
      "Invalid enumerateCrashStates options: check: must be a function (state) => void | Promise<void>. Please fix the fields named.",
    );
  });
});
