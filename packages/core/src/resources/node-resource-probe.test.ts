import { open, readdir } from "node:fs/promises";
import { totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeResourceProbe, parseOpenFilesLimit } from "./node-resource-probe.js";

describe("the real Node resource probe", () => {
  it("reports free memory above zero and at most the machine's total", async () => {
    const free = await nodeResourceProbe.freeMemoryBytes();
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThanOrEqual(totalmem());
  });

  it("counts open descriptors above zero and within the soft limit", async () => {
    const openCount = await nodeResourceProbe.openFileDescriptors();
    const limit = await nodeResourceProbe.fileDescriptorLimit();
    expect(openCount).toBeGreaterThan(2); // stdin, stdout, stderr at least
    expect(limit).toBeGreaterThan(0);
    expect(openCount).toBeLessThanOrEqual(limit as number);
  });

  it("sees three more descriptors after opening three files", async () => {
    const self = fileURLToPath(import.meta.url);
    const before = (await readdir("/proc/self/fd")).length - 1;
    expect(await nodeResourceProbe.openFileDescriptors()).toBe(before);
    const handles = await Promise.all([open(self, "r"), open(self, "r"), open(self, "r")]);
    try {
      expect(await nodeResourceProbe.openFileDescriptors()).toBe(before + 3);
    } finally {
      for (const handle of handles) await handle.close();
    }
  });
});

describe("reading the open-files limit", () => {
  const limits = (value: string) =>
    [
      "Limit                     Soft Limit           Hard Limit           Units     ",
      "Max cpu time              unlimited            unlimited            seconds   ",
      `Max open files            ${value.padEnd(20)} 1048576              files     `,
      "Max locked memory         8388608              8388608              bytes     ",
    ].join("\n");

  it("takes the soft limit", () => {
    expect(parseOpenFilesLimit(limits("1024"))).toBe(1024);
  });

  it("reads unlimited as Infinity", () => {
    expect(parseOpenFilesLimit(limits("unlimited"))).toBe(Number.POSITIVE_INFINITY);
  });

  it("throws a clear error on a line it cannot read", () => {
    expect(() => parseOpenFilesLimit("Max cpu time unlimited")).toThrow(
      'Cannot read the open-files limit from /proc/self/limits: "(no such line)"',
    );
  });
});
