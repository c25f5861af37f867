import { describe, expect, it } from "vitest";
import type { RunSnapshot } from "../engine/index.js";
import { statusJson, statusText } from "./status-view.js";

const base: RunSnapshot = {
  runId: "r1",
  workflow: "dev",
  input: { title: "Add a greeting" },
  state: "paused",
  phases: [
    {
      name: "preflight",
      status: "completed",
      attempts: 1,
      effect: "none",
      value: { baseSha: "a" },
    },
    {
      name: "issue",
      status: "completed",
      attempts: 1,
      effect: "applied",
      value: {
        number: 7,
        url: "https://github.com/acme/widgets/issues/7",
        nodeId: "I_1",
        origin: "created",
      },
    },
    {
      name: "branch",
      status: "completed",
      attempts: 2,
      effect: "applied",
      value: { name: "wfm/add-r1", baseSha: "a" },
    },
    { name: "implement", status: "failed", attempts: 1, effect: "unknown" },
    { name: "pull-request", status: "pending", attempts: 0, effect: "none" },
  ],
  lastError: {
    code: "WFM-IMPLEMENT-FAILED",
    kind: "permanent",
    message: "The implement command of run r1 exited with code 2.",
    guidance: "Fix it, then resume.",
    command: "workflowmaster resume r1",
    automatic: "Did not retry.",
  },
  seq: 12,
  fence: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:05.000Z",
};

describe("statusJson", () => {
  it("prints exactly the DESIGN.md shape", () => {
    expect(statusJson(base)).toEqual({
      runId: "r1",
      state: "paused",
      phases: [
        { name: "preflight", status: "completed", attempts: 1 },
        { name: "issue", status: "completed", attempts: 1 },
        { name: "branch", status: "completed", attempts: 2 },
        { name: "implement", status: "failed", attempts: 1 },
        { name: "pull-request", status: "pending", attempts: 0 },
      ],
      issue: { number: 7, url: "https://github.com/acme/widgets/issues/7" },
      branch: "wfm/add-r1",
      lastError: {
        code: "WFM-IMPLEMENT-FAILED",
        message: "The implement command of run r1 exited with code 2.",
        guidance: "Fix it, then resume.",
        command: "workflowmaster resume r1",
      },
    });
  });

  it("leaves out what the run has not made and an error it does not have", () => {
    const fresh: RunSnapshot = {
      ...base,
      state: "running",
      phases: base.phases.map((phase) => ({
        name: phase.name,
        status: "pending",
        attempts: 0,
        effect: "none",
      })),
    };
    delete fresh.lastError;
    expect(Object.keys(statusJson(fresh))).toEqual(["runId", "state", "phases"]);
  });

  it("shows the pull request once it has a value", () => {
    const done: RunSnapshot = {
      ...base,
      phases: [
        ...base.phases.slice(0, 4),
        {
          name: "pull-request",
          status: "completed",
          attempts: 1,
          effect: "applied",
          value: { number: 8, url: "https://github.com/acme/widgets/pull/8", head: "wfm/add-r1" },
        },
      ],
    };
    expect(statusJson(done).pullRequest).toEqual({
      number: 8,
      url: "https://github.com/acme/widgets/pull/8",
    });
  });
});

describe("statusText", () => {
  it("names the state, each phase, the links and what to do next", () => {
    expect(statusText(base)).toBe(
      [
        "Run r1: paused — Add a greeting",
        "  preflight     completed (1 attempt)",
        "  issue         completed (1 attempt)",
        "  branch        completed (2 attempts)",
        "  implement     failed (1 attempt)",
        "  pull-request  pending",
        "  Issue:        #7 https://github.com/acme/widgets/issues/7",
        "  Branch:       wfm/add-r1",
        "  Last error:   WFM-IMPLEMENT-FAILED: The implement command of run r1 exited with code 2.",
        "  What to do:   Fix it, then resume.",
        "  Next:         workflowmaster resume r1",
        "",
      ].join("\n"),
    );
  });
});
