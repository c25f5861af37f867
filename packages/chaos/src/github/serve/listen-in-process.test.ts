import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../clock/virtual-clock.js";
import { createFaultJournal } from "../../journal/fault-journal.js";
import { createSeed } from "../../seed/create-seed.js";
import { createGithubSimulator } from "../github-simulator.js";
import { listenInProcess } from "./listen-in-process.js";

describe("serving in-process", () => {
  it("answers the base URL, fails requests to any other host, and lets them through once disposed", async () => {
    const clock = createVirtualClock();
    const sim = createGithubSimulator({
      clock,
      journal: createFaultJournal(clock),
      random: createSeed(1).stream("github"),
      repos: ["octo/app"],
      baseUrl: "https://ghe.example/api/v3",
    });
    const local = createServer((_request, response) => response.end("real"));
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}/`;
    const stop = listenInProcess(sim);
    try {
      const response = await fetch("https://ghe.example/api/v3/repos/octo/app");
      const body = (await response.json()) as { url: string };
      expect([response.status, body.url]).toEqual([
        200,
        "https://ghe.example/api/v3/repos/octo/app",
      ]);
      const unhandled = await fetch(localUrl).then(
        () => "answered",
        (error: Error) => error.name,
      );
      expect(unhandled).toBe("InternalError");
    } finally {
      stop();
    }
    try {
      expect(await (await fetch(localUrl)).text()).toBe("real");
    } finally {
      await new Promise<void>((resolve, reject) =>
        local.close((error) => (error ? reject(error) : resolve())),
      );
    }
  });
});
