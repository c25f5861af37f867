import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { createGithubSimulator, type GithubSimulatorOptions } from "./github-simulator.js";

const base = () => {
  const clock = createVirtualClock();
  return { clock, journal: createFaultJournal(clock), random: createSeed(1).stream("github") };
};

describe("options", () => {
  it("are refused with a message naming each bad field", () => {
    const bad = {
      ...base(),
      baseUrl: "ftp://example",
      repos: ["no-slash"],
      rateLimits: { core: 0 },
      colour: "blue",
    } as unknown as GithubSimulatorOptions;
    expect(() => createGithubSimulator(bad)).toThrow(
      "Invalid createGithubSimulator options: baseUrl: must be an http(s) URL, such as https://api.github.com (baseUrl); repos[0]: must be OWNER/NAME; rateLimits.core: must be a positive integer; colour: is not a known field. Please fix the fields named.",
    );
  });

  it("refuse a gitDir without a repository to back and a malformed fault rule", () => {
    expect(() => createGithubSimulator({ ...base(), gitDir: "/tmp/x.git" })).toThrow(
      "Invalid createGithubSimulator options: gitDir: backs the first of repos, so repos needs at least one OWNER/NAME.",
    );
    expect(() =>
      createGithubSimulator({
        ...base(),
        faults: [{ fault: { kind: "latency" } }] as unknown as GithubSimulatorOptions["faults"],
      }),
    ).toThrow("Invalid GitHub fault rules: [0].fault.ms: ");
  });

  it("default to api.github.com, octocat and no repositories", () => {
    const sim = createGithubSimulator(base());
    expect([sim.baseUrl, sim.model.login, sim.model.repoNames()]).toEqual([
      "https://api.github.com",
      "octocat",
      [],
    ]);
    expect(
      createGithubSimulator({ ...base(), baseUrl: "https://ghe.example/api/v3/" }).baseUrl,
    ).toBe("https://ghe.example/api/v3");
  });
});
