import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rawHttp } from "../testing/raw-http.js";
import {
  connectClient,
  type EchoServer,
  startEchoServer,
  tryConnect,
} from "../testing/tcp-harness.js";
import { startToxiproxyServer } from "./toxiproxy-server.js";

let echo: EchoServer;
beforeEach(async () => {
  echo = await startEchoServer();
});
afterEach(async () => {
  await echo.close();
});

describe("startToxiproxyServer: options", () => {
  it("refuses bad options, naming each field", async () => {
    await expect(
      startToxiproxyServer({ port: 70_000, seed: -1, extra: true } as never),
    ).rejects.toThrow(
      new TypeError(
        "Invalid startToxiproxyServer options: port: must be 0..65535; seed: must be a non-negative integer; extra: is not a known field. Please fix the fields named.",
      ),
    );
  });

  it("reports the seed it was given, or the random one it chose", async () => {
    const seeded = await startToxiproxyServer({ port: 0, seed: 42 });
    const unseeded = await startToxiproxyServer({ port: 0 });
    try {
      expect(seeded.seed).toBe(42);
      expect(Number.isSafeInteger(unseeded.seed) && unseeded.seed >= 0).toBe(true);
      expect(seeded.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await seeded.close();
      await unseeded.close();
    }
  });
});

describe("startToxiproxyServer: config", () => {
  it("creates the configured proxies with their toxics before the first connection", async () => {
    const server = await startToxiproxyServer({
      port: 0,
      seed: 1,
      config: [
        {
          name: "cut",
          listen: "127.0.0.1:0",
          upstream: echo.address,
          toxics: [{ type: "limit_data", attributes: { bytes: 3 } }],
        },
      ],
    });
    try {
      const [proxy] = await server.proxies();
      expect(proxy?.toxics).toEqual([
        {
          attributes: { bytes: 3 },
          name: "limit_data_downstream",
          type: "limit_data",
          stream: "downstream",
          toxicity: 1,
        },
      ]);
      const port = Number(proxy?.listen.split(":")[1]);
      const connection = await connectClient(port);
      connection.socket.write("abcdef");
      expect((await connection.ended).data.toString()).toBe("abc");
    } finally {
      await server.close();
    }
  });

  it("refuses a config with a bad entry and leaves nothing listening", async () => {
    await expect(
      startToxiproxyServer({
        port: 0,
        config: [{ name: "ok", listen: "127.0.0.1:0", upstream: echo.address }, { name: "x" }],
      }),
    ).rejects.toThrow(
      "Failed to create the configured proxies: missing required field: upstream at proxy 2. Please fix the configuration.",
    );
  });
});

describe("startToxiproxyServer: close", () => {
  it("stops the API and every proxy, and may be called twice", async () => {
    const server = await startToxiproxyServer({ port: 0 });
    const created = await rawHttp(server.url, "POST", "/proxies", {
      body: JSON.stringify({ name: "p", listen: "127.0.0.1:0", upstream: echo.address }),
    });
    const port = Number((JSON.parse(created.body) as { listen: string }).listen.split(":")[1]);
    const connection = await connectClient(port);
    await Promise.all([server.close(), server.close()]);
    expect((await connection.ended).data.length).toBe(0);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    expect(await tryConnect(Number(new URL(server.url).port))).toBe("ECONNREFUSED");
  });
});
