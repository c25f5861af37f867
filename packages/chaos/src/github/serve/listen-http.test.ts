import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../clock/virtual-clock.js";
import { createFaultJournal } from "../../journal/fault-journal.js";
import { createSeed } from "../../seed/create-seed.js";
import { createGithubSimulator } from "../github-simulator.js";
import { listenHttp } from "./listen-http.js";

const simulator = () => {
  const clock = createVirtualClock();
  return createGithubSimulator({
    clock,
    journal: createFaultJournal(clock),
    random: createSeed(1).stream("github"),
    repos: ["octo/app"],
  });
};

describe("serving over real HTTP", () => {
  it("listens on a free loopback port and links bodies to its own origin", async () => {
    const server = await listenHttp(simulator());
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/repos/octo/app`);
      const body = (await response.json()) as { url: string };
      expect([response.status, body.url, response.headers.get("x-powered-by")]).toEqual([
        200,
        `${server.url}/repos/octo/app`,
        null,
      ]);
    } finally {
      await server.close();
    }
  });

  it("destroys the socket for a dropped connection, so the client sees a reset and no response", async () => {
    const sim = simulator();
    sim.faults.use({ endpoint: "repos.get", nth: 1, fault: { kind: "drop-connection" } });
    const server = await listenHttp(sim);
    try {
      const failure = await fetch(`${server.url}/repos/octo/app`).then(
        () => undefined,
        (error: Error & { cause?: { code?: string } }) => [
          error.name,
          error.message,
          error.cause?.code,
        ],
      );
      expect(failure).toEqual(["TypeError", "fetch failed", "UND_ERR_SOCKET"]);
      expect((await fetch(`${server.url}/repos/octo/app`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("stops accepting connections once closed", async () => {
    const server = await listenHttp(simulator());
    await server.close();
    const failure = await fetch(`${server.url}/repos/octo/app`).then(
      () => undefined,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(failure).toBe("ECONNREFUSED");
  });

  it("refuses a bad port, naming the field", async () => {
    await expect(listenHttp(simulator(), { port: 70000 })).rejects.toThrow(
      "Invalid listenHttp options: port: must be 0..65535. Please fix the fields named.",
    );
  });
});
