import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startListeningChild } from "./listening-child.js";

const SERVER = `
const http = require("node:http");
const server = http.createServer((_req, res) => res.end("ok"));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write("listening on http://127.0.0.1:" + server.address().port + "\\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

describe("startListeningChild", () => {
  it("resolves with the announced URL, which answers, and stops the child", async () => {
    const server = await startListeningChild(process.execPath, ["-e", SERVER]);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(server.url)).text()).toBe("ok");
    } finally {
      await server.stop();
    }
    expect(server.child.exitCode).toBe(0);
    await server.stop();
  });

  it("rejects with the child's stderr when it exits before announcing", async () => {
    await expect(
      startListeningChild(process.execPath, [
        "-e",
        "console.error('no port for you'); process.exit(4)",
      ]),
    ).rejects.toThrow(/exited \(4\) before listening: no port for you/);
  });

  it("rejects and stops a child that stays silent past the timeout", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wfm-listening-"));
    const pidFile = join(dir, "pid");
    try {
      const silent = `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
      await expect(
        startListeningChild(process.execPath, ["-e", silent], { timeoutMs: 1_000 }),
      ).rejects.toThrow(/did not announce its URL in time/);
      const pid = Number(await readFile(pidFile, "utf8"));
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
