import { describe, expect, it } from "vitest";
import { isWorkflowMasterError } from "../errors/index.js";
import { parseFaultPointSpec, resolveTestFaultPoints } from "./test-fault-points.js";

describe("parseFaultPointSpec", () => {
  it("reads <point>@<n>", () => {
    expect(parseFaultPointSpec("github.issue.created@2", "run")).toEqual({
      point: "github.issue.created",
      hit: 2,
    });
  });

  it.each([
    "github.issue.created",
    "nope@1",
    "github.issue.created@0",
    "git.push.completed@-1",
    "",
  ])("refuses %j as bad input naming the flag", (spec) => {
    let caught: unknown;
    try {
      parseFaultPointSpec(spec, "run");
    } catch (error) {
      caught = error;
    }
    expect(isWorkflowMasterError(caught) && caught.code).toBe("WFM-CLI-INPUT-INVALID");
    expect((caught as Error).message).toContain("--chaos-fault-point");
  });
});

describe("resolveTestFaultPoints", () => {
  it("installs nothing in production and says the variable was ignored", () => {
    const resolved = resolveTestFaultPoints({
      env: { WORKFLOWMASTER_FAULT_POINT: "github.issue.created@1" },
      flag: undefined,
      subcommand: "run",
      kill: () => {
        throw new Error("must not be called");
      },
    });
    expect(resolved.faultPoints).toBeUndefined();
    expect(resolved.warning).toBe(
      "Ignoring WORKFLOWMASTER_FAULT_POINT: test fault points are only installed when NODE_ENV=test.",
    );
  });

  it("installs nothing when testing is on but no point is named", () => {
    expect(
      resolveTestFaultPoints({
        env: { NODE_ENV: "test" },
        flag: undefined,
        subcommand: "run",
        kill: () => undefined,
      }),
    ).toEqual({ faultPoints: undefined, warning: undefined });
  });

  it("kills exactly at the n-th hit of the named point, never before", async () => {
    const kills: string[] = [];
    const { faultPoints } = resolveTestFaultPoints({
      env: { NODE_ENV: "test", WORKFLOWMASTER_FAULT_POINT: "state.journal.synced@2" },
      flag: undefined,
      subcommand: "run",
      kill: () => kills.push("killed"),
    });
    if (faultPoints === undefined) throw new Error("expected fault points");
    await faultPoints.hit("state.journal.written");
    await faultPoints.hit("state.journal.synced");
    await faultPoints.hit("state.journal.written");
    expect(kills).toEqual([]);
    // The killing hit never settles: nothing runs past the point.
    const outcome = await Promise.race([
      faultPoints.hit("state.journal.synced").then(() => "went on"),
      new Promise((resolve) => setTimeout(() => resolve("stopped"), 50)),
    ]);
    expect(outcome).toBe("stopped");
    expect(kills).toEqual(["killed"]);
  });

  it("lets the hidden flag enable the points without NODE_ENV=test", async () => {
    const kills: number[] = [];
    const { faultPoints } = resolveTestFaultPoints({
      env: {},
      flag: "git.push.completed@1",
      subcommand: "resume",
      kill: () => kills.push(1),
    });
    void faultPoints?.hit("git.push.completed");
    await new Promise((resolve) => setImmediate(resolve));
    expect(kills).toEqual([1]);
  });
});
