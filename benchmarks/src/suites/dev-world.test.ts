import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeFileSystem } from "@workflowmaster/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countingFileSystem, delayedSpawner, zeroCounts } from "./dev-world.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-bench-count-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("countingFileSystem", () => {
  it("counts fsyncs, directory fsyncs, exclusive creates, renames and event-log writes", async () => {
    const counts = zeroCounts();
    const fs = countingFileSystem(nodeFileSystem, counts);
    const handle = await fs.open(join(dir, "snapshot.tmp"), "wx");
    await handle.write(new TextEncoder().encode("{}"));
    await handle.sync();
    await handle.close();
    await fs.rename(join(dir, "snapshot.tmp"), join(dir, "snapshot.json"));
    await fs.syncDirectory(dir);
    const events = await fs.open(join(dir, "events.ndjson"), "a");
    await events.write(new TextEncoder().encode("{}\n"));
    await events.write(new TextEncoder().encode("{}\n"));
    await events.close();
    expect({ ...counts, syncMs: 0 }).toEqual({
      ...zeroCounts(),
      fileSyncs: 1,
      directorySyncs: 1,
      exclusiveCreates: 1,
      renames: 1,
      eventWrites: 2,
    });
  });
});

describe("delayedSpawner", () => {
  it("runs every command, counting processes and the pushes it delays", async () => {
    const counts = zeroCounts();
    const spawner = delayedSpawner(counts);
    const version = await spawner.run("git", ["--version"], { cwd: dir });
    const push = await spawner.run("git", ["push", "--quiet", "nowhere", "HEAD"], { cwd: dir });
    expect(version.exitCode).toBe(0);
    expect(push.exitCode).toBe(128);
    expect([counts.spawned, counts.pushes]).toEqual([2, 1]);
  });
});
