import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { mountTmpfs, type TmpfsMount } from "./tmpfs.js";

const mayMount = process.platform === "linux" && process.getuid?.() === 0;

/**
 * Mounts, runs `body`, unmounts. Where no tmpfs can be mounted the reason is
 * put in the test report (not skipped quietly), and the test fails if this
 * is a machine where mounting should have worked (Linux, root).
 */
async function withTmpfs(
  annotate: (message: string, type?: string) => Promise<unknown>,
  options: Parameters<typeof mountTmpfs>[0],
  body: (mount: TmpfsMount) => Promise<void>,
): Promise<void> {
  const mount = await mountTmpfs(options);
  if (!mount.available) {
    await annotate(`real tmpfs not tested: ${mount.reason}`, "warning");
    console.warn(`tmpfs: real tmpfs not tested: ${mount.reason}`);
    expect(mayMount).toBe(false);
    return;
  }
  try {
    await body(mount);
  } finally {
    await mount.unmount();
  }
}

async function fillFile(path: string): Promise<{ written: number; code: unknown }> {
  const handle = await open(path, "w");
  let written = 0;
  try {
    for (;;) written += (await handle.write(new Uint8Array(1000))).bytesWritten;
  } catch (error) {
    return { written, code: (error as { code?: unknown }).code };
  } finally {
    await handle.close();
  }
}

describe("mountTmpfs: a real disk that fills up", () => {
  it("gives ENOSPC at exactly its size", async ({ annotate }) => {
    await withTmpfs(annotate, { sizeBytes: 64 * 1024 }, async (mount) => {
      expect(mount.sizeBytes).toBe(65_536);
      expect(await fillFile(join(mount.dir, "big"))).toEqual({ written: 65_536, code: "ENOSPC" });
    });
  });

  it("gives ENOSPC on file count at nr_inodes (the root directory is one)", async ({
    annotate,
  }) => {
    await withTmpfs(annotate, { sizeBytes: 64 * 1024, inodes: 4 }, async (mount) => {
      let created = 0;
      let code: unknown;
      try {
        for (;;) {
          await writeFile(join(mount.dir, `f${created}`), "");
          created++;
        }
      } catch (error) {
        code = (error as { code?: unknown }).code;
      }
      expect({ created, code }).toEqual({ created: 3, code: "ENOSPC" });
    });
  });

  it("refuses writes with EROFS once remounted read-only", async ({ annotate }) => {
    await withTmpfs(annotate, { sizeBytes: 16 * 1024 }, async (mount) => {
      await writeFile(join(mount.dir, "before"), "written");
      await mount.remountReadOnly();
      await expect(writeFile(join(mount.dir, "after"), "x")).rejects.toMatchObject({
        code: "EROFS",
        syscall: "open",
      });
    });
  });

  it("removes its directory on unmount, and a second unmount does nothing", async ({
    annotate,
  }) => {
    let dir = "";
    await withTmpfs(annotate, { sizeBytes: 4096 }, async (mount) => {
      dir = mount.dir;
      expect(existsSync(dir)).toBe(true);
      await mount.unmount();
      expect(existsSync(dir)).toBe(false);
    });
    if (mayMount) expect(dir).not.toBe("");
  });
});

describe("mountTmpfs: where the process may not mount", () => {
  it("resolves to { available: false, reason } naming why, without throwing", async () => {
    if (!mayMount) {
      const mount = await mountTmpfs({ sizeBytes: 4096 });
      expect(mount.available).toBe(false);
      expect(mount.available ? "" : mount.reason).toMatch(/^mounting a tmpfs needs (root|Linux);/);
      return;
    }
    // As root, ask an unprivileged child (uid/gid 65534, "nobody").
    const child = fileURLToPath(new URL("./fixtures/mount-tmpfs-child.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", child], {
      uid: 65_534,
      gid: 65_534,
      env: { ...process.env, HOME: "/tmp" },
    });
    expect(JSON.parse(stdout)).toEqual({
      available: false,
      reason: "mounting a tmpfs needs root; this process runs as uid 65534",
    });
  });
});

describe("mountTmpfs: options", () => {
  it("names a bad size", async () => {
    await expect(mountTmpfs({ sizeBytes: 0 })).rejects.toThrow(
      "Invalid mountTmpfs options: sizeBytes: must be > 0. Please fix the fields named.",
    );
  });
});
