import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadToxiproxyConfig } from "./load-toxiproxy-config.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-toxiproxy-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadToxiproxyConfig", () => {
  it("reads a JSON array of proxies", async () => {
    const file = join(dir, "config.json");
    const config = [{ name: "redis", listen: "127.0.0.1:26379", upstream: "127.0.0.1:6379" }];
    await writeFile(file, JSON.stringify(config));
    expect(await loadToxiproxyConfig(file)).toEqual(config);
  });

  it("names the file and the problem when it is missing, not JSON, or not an array", async () => {
    const missing = join(dir, "missing.json");
    await expect(loadToxiproxyConfig(missing)).rejects.toThrow(
      `Failed to read the Toxiproxy config ${missing}: ENOENT: no such file or directory, open '${missing}'. Please pass an existing JSON file.`,
    );
    const broken = join(dir, "broken.json");
    await writeFile(broken, "[{");
    await expect(loadToxiproxyConfig(broken)).rejects.toThrow(
      `The Toxiproxy config ${broken} is not JSON:`,
    );
    const object = join(dir, "object.json");
    await writeFile(object, '{"name":"x"}');
    await expect(loadToxiproxyConfig(object)).rejects.toThrow(
      `The Toxiproxy config ${object} must be a JSON array of proxies ([{"name":…,"listen":…,"upstream":…,"toxics":[…]}]), got object.`,
    );
  });
});
