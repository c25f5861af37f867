import { afterEach, describe, expect, it } from "vitest";
import { nodeFetch } from "../../ports/index.js";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
} from "../fixtures/simulated-github.js";
import { ensureLabel, observeLabel } from "./ensure-label.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

const labelsNamed = (github: SimulatedGithub, name: string) =>
  github.sim.model
    .labels("octo/app")
    .filter((label) => label.name.toLowerCase() === name.toLowerCase());

describe.each(SERVE_MODES)("ensureLabel (%s)", (mode) => {
  it("creates a missing label once and finds it afterwards", async () => {
    world = await simulatedGithub({ mode });
    const created = await ensureLabel(world.client, REPO, {
      runId: "r1",
      name: "workflowmaster",
      color: "#1D76DB",
    });
    const again = await ensureLabel(world.client, REPO, {
      runId: "r1",
      name: "workflowmaster",
      color: "1d76db",
    });
    expect(created).toMatchObject({ name: "workflowmaster", color: "1d76db", origin: "created" });
    expect(again).toEqual({ ...created, origin: "found" });
    expect(world.requestsTo("issues.createLabel")).toHaveLength(1);
    expect(await observeLabel(world.client, REPO, { runId: "r1", name: "workflowmaster" })).toEqual(
      {
        ok: true,
        value: undefined,
      },
    );
  });

  it("adopts an existing label, whatever its case and colour", async () => {
    world = await simulatedGithub({ mode });
    const label = await ensureLabel(world.client, REPO, {
      runId: "r1",
      name: "BUG",
      color: "000000",
    });
    expect(label).toMatchObject({ name: "bug", origin: "found" });
    expect(world.requestsTo("issues.createLabel")).toHaveLength(0);
  });

  it("reconciles a ghost-written label instead of creating it again", async () => {
    world = await simulatedGithub({
      mode,
      faults: [
        { endpoint: "issues.createLabel", nth: 1, fault: { kind: "ghost-write", response: 502 } },
      ],
    });
    const label = await ensureLabel(world.client, REPO, {
      runId: "r1",
      name: "wfm",
      color: "ededed",
    });
    expect(label).toMatchObject({ name: "wfm", origin: "found" });
    expect(world.requestsTo("issues.createLabel").map((request) => request.status)).toEqual([201]);
    expect(labelsNamed(world, "wfm")).toHaveLength(1);
  });

  it("adopts the label GitHub reports with 422 already_exists", async () => {
    let raced = false;
    world = await simulatedGithub({
      mode,
      client: {
        // Someone creates the label between our lookup and our create.
        fetch: async (request, init) => {
          const response = await nodeFetch(request, init);
          if (!raced && String(request).includes("/labels?")) {
            raced = true;
            world?.sim.model.createLabel("octo/app", { name: "WFM", color: "ff0000" });
          }
          return response;
        },
      },
    });
    const label = await ensureLabel(world.client, REPO, {
      runId: "r1",
      name: "wfm",
      color: "ededed",
    });
    expect(label).toMatchObject({ name: "WFM", color: "ff0000", origin: "found" });
    expect(world.requestsTo("issues.createLabel").map((request) => request.status)).toEqual([422]);
    expect(labelsNamed(world, "wfm")).toHaveLength(1);
  });

  it("refuses a colour that is not six hex digits, naming the field", async () => {
    world = await simulatedGithub({ mode });
    expect(() =>
      ensureLabel(world?.client as never, REPO, { runId: "r1", name: "x", color: "red" }),
    ).toThrow("Invalid ensureLabel input: `color` must be six hex digits, like `d73a4a`.");
  });
});
