import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { createFaultFileSystem, type FaultFileSystem } from "./fault-fs.js";

const encoder = new TextEncoder();

function setup(seedRoot = 1) {
  const clock = createVirtualClock();
  const journal = createFaultJournal(clock);
  const fs = createFaultFileSystem({ random: createSeed(seedRoot).stream("fs"), journal, clock });
  return { fs, journal };
}

async function write(fs: FaultFileSystem, path: string, text: string, sync: boolean, flags = "w") {
  const handle = await fs.open(path, flags);
  await handle.write(encoder.encode(text));
  if (sync) await handle.sync();
  await handle.close();
}

/** A directory made durable, holding a durable file `/d/f` = "durable". */
async function durableStart(fs: FaultFileSystem) {
  await fs.mkdir("/d");
  await fs.syncDirectory("/");
  await write(fs, "/d/f", "durable", true);
  await fs.syncDirectory("/d");
}

const contents = (fs: FaultFileSystem) => fs.volume.toJSON();

describe("crash: the durability model", () => {
  it("loses bytes written after the last fsync and keeps those before", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await write(fs, "/d/f", "+more", false, "a");
    expect(fs.pending()).toEqual({ files: ["/d/f"], directoryOperations: [] });
    const crashed = fs.crash("lose-unsynced");
    expect(crashed.volume.toJSON()).toEqual({ "/d/f": "durable" });
    expect(crashed.description).toBe(
      "crash after op 7 of 7 (write /d/f (5 bytes at 7)); lost: write /d/f (5 bytes at 7)",
    );
  });

  it("loses a new file whose directory was not fsynced, even if the file was", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await write(fs, "/d/new", "synced data", true);
    expect(fs.pending()).toEqual({ files: [], directoryOperations: ["create /d/new"] });
    expect(fs.crash("lose-unsynced").volume.toJSON()).toEqual({ "/d/f": "durable" });
  });

  it("undoes a rename until the directory is fsynced, resurrecting the old file", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await write(fs, "/d/tmp", "replacement", true);
    await fs.rename("/d/tmp", "/d/f");
    expect(fs.crash("lose-unsynced").volume.toJSON()).toEqual({ "/d/f": "durable" });
    await fs.syncDirectory("/d");
    expect(fs.crash("lose-unsynced").volume.toJSON()).toEqual({ "/d/f": "replacement" });
  });

  it("leaves a zero-length file when a rename is made durable but the data was never fsynced", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await write(fs, "/d/tmp", "replacement", false);
    await fs.rename("/d/tmp", "/d/f");
    await fs.syncDirectory("/d");
    expect(fs.crash("lose-unsynced").volume.toJSON()).toEqual({ "/d/f": "" });
  });

  it("undoes an unlink and a truncate until they are made durable", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await fs.truncate("/d/f", 3);
    await write(fs, "/d/g", "g", true);
    await fs.syncDirectory("/d");
    await fs.unlink("/d/g");
    expect(fs.crash("lose-unsynced").volume.toJSON()).toEqual({ "/d/f": "durable", "/d/g": "g" });
  });

  it("keeps everything when only the process died", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await write(fs, "/d/tmp", "x", false);
    await fs.rename("/d/tmp", "/d/renamed");
    await fs.mkdir("/e/f", { recursive: true });
    const crashed = fs.crash("keep-all");
    expect(crashed.volume.toJSON()).toEqual(contents(fs));
    expect(crashed.description).toBe("crash after op 11 of 11 (mkdir /e/f); nothing lost");
  });

  it("journals the crash and hands over a filesystem for the next process", async () => {
    const { fs, journal } = setup();
    await durableStart(fs);
    await write(fs, "/d/g", "lost", false);
    const { fs: next, description } = fs.crash("lose-unsynced");
    expect(journal.entries().at(-1)).toMatchObject({
      layer: "fs",
      fault: "crash",
      target: "/",
      outcome: "lose-unsynced",
      detail: { ops: 8, description },
    });
    expect(next.trace().ops).toEqual([]);
    expect(next.pending()).toEqual({ files: [], directoryOperations: [] });
    await write(next, "/d/g", "again", true);
    expect(next.volume.toJSON()).toEqual({ "/d/f": "durable", "/d/g": "again" });
    // The crashed filesystem itself is unchanged.
    expect(contents(fs)).toEqual({ "/d/f": "durable", "/d/g": "lost" });
  });
});

describe("crash: seeded power loss", () => {
  async function seededCrash(seedRoot: number) {
    const { fs } = setup(seedRoot);
    await durableStart(fs);
    await write(fs, "/d/tmp", "0123456789", false);
    return fs.crash("seeded");
  }

  it("gives the same post-crash disk for the same seed", async () => {
    const first = await seededCrash(9);
    const again = await seededCrash(9);
    expect(again.description).toBe(first.description);
    expect(again.volume.toJSON()).toEqual(first.volume.toJSON());
  });

  it("tears the in-flight write every way, and loses or keeps the new entry, across seeds", async () => {
    const outcomes = new Set<string>();
    for (let seedRoot = 1; seedRoot <= 60; seedRoot++) {
      const { description, volume } = await seededCrash(seedRoot);
      const torn = /torn: (\w+)/.exec(description)?.[1] ?? "complete";
      const kept = volume.existsSync("/d/tmp") ? "kept" : "lost";
      outcomes.add(`${kept} ${volume.existsSync("/d/tmp") ? torn : "-"}`);
      // Never touched: what was durable before the crash.
      expect(volume.readFileSync("/d/f", "utf8")).toBe("durable");
    }
    expect([...outcomes].sort()).toEqual([
      "kept complete",
      "kept garbage",
      "kept prefix",
      "kept zeros",
      "lost -",
    ]);
  });

  it("refuses an unknown mode", () => {
    const { fs } = setup();
    expect(() => fs.crash("meteor" as "seeded")).toThrow(
      new TypeError('crash(mode) needs one of keep-all, lose-unsynced, seeded, got "meteor"'),
    );
  });
});

describe("crash: inodes follow renames", () => {
  it("keeps a renamed directory's files, and a handle's writes land on its file after a rename", async () => {
    const { fs } = setup();
    await fs.mkdir("/d/e", { recursive: true });
    const handle = await fs.open("/d/e/f", "w");
    await handle.write(encoder.encode("before "));
    await fs.rename("/d", "/moved");
    await handle.write(encoder.encode("after"));
    await handle.sync();
    await handle.close();
    await fs.syncDirectory("/moved/e");
    await fs.syncDirectory("/moved");
    await fs.syncDirectory("/");
    expect(fs.pending()).toEqual({ files: [], directoryOperations: [] });
    expect(fs.crash("lose-unsynced").volume.toJSON()).toEqual({ "/moved/e/f": "before after" });
  });
});

describe("pending: what a crash could still lose", () => {
  it("names files by their current path and forgets unlinked ones", async () => {
    const { fs } = setup();
    await durableStart(fs);
    await write(fs, "/d/a", "a", false);
    await fs.rename("/d/a", "/d/b");
    await write(fs, "/d/gone", "g", false);
    await fs.unlink("/d/gone");
    expect(fs.pending()).toEqual({
      files: ["/d/b"],
      directoryOperations: [
        "create /d/a",
        "rename /d/a -> /d/b",
        "create /d/gone",
        "unlink /d/gone",
      ],
    });
  });
});
