import { afterEach, describe, expect, it } from "vitest";
import {
  REPO,
  SERVE_MODES,
  type SimulatedGithub,
  simulatedGithub,
} from "../../github/fixtures/simulated-github.js";
import { markerFor } from "../../github/marker.js";
import { type Alert, AlertCode, AlertLevel } from "../alerts.js";
import { ALERT_COMMENT_PHASE, alertCommentKey, issueCommentSink } from "./issue-comment-sink.js";

let world: SimulatedGithub | undefined;

afterEach(async () => {
  const done = world;
  world = undefined;
  if (done === undefined) return;
  await done.close();
  expect(done.tokenLeaks()).toEqual([]);
});

const retries: Alert = {
  runId: "r1",
  level: AlertLevel.Warning,
  code: AlertCode.Retries,
  message: "11 retries in this run (threshold 10); most in phase `push` (11).",
};
const disk: Alert = {
  runId: "r1",
  level: AlertLevel.Critical,
  code: AlertCode.DiskLow,
  message: "Free disk space fell to 10 MiB (threshold 64 MiB).",
};

/** The issue's comments that carry the marker of this alert. */
const commentsFor = (github: SimulatedGithub, alert: Alert) => {
  const marker = markerFor({
    runId: "r1",
    phase: ALERT_COMMENT_PHASE,
    key: alertCommentKey(alert),
  });
  return github.sim.model.comments("octo/app", 1).filter((entry) => entry.body.includes(marker));
};

describe.each(SERVE_MODES)("issueCommentSink (%s)", (mode) => {
  it("comments each alert once, however often it is delivered", async () => {
    world = await simulatedGithub({ mode });
    world.sim.faults.preexistingIssue({ title: "the run's issue" });
    const sink = issueCommentSink({
      client: world.client,
      repo: REPO,
      issueNumber: 1,
      runId: "r1",
    });
    expect(sink.name).toBe("issue comment octo/app#1");
    expect(await sink.deliver(retries)).toEqual({ ok: true, value: undefined });
    expect(await sink.deliver(retries)).toEqual({ ok: true, value: undefined });
    expect(await sink.deliver(disk)).toEqual({ ok: true, value: undefined });
    expect(world.requestsTo("issues.createComment")).toHaveLength(2);
    const [posted] = commentsFor(world, retries);
    expect(commentsFor(world, retries)).toHaveLength(1);
    expect(commentsFor(world, disk)).toHaveLength(1);
    expect(posted?.body.split("\n").slice(0, 5)).toEqual([
      "**WorkflowMaster alert** (warning) `ALERT-RETRIES` on run `r1`",
      "",
      "11 retries in this run (threshold 10); most in phase `push` (11).",
      "",
      "Acknowledge it with `workflowmaster alerts --ack ALERT-RETRIES r1`.",
    ]);
  });

  it("leaves exactly one comment when the first post's answer is lost (ghost write)", async () => {
    for (const response of ["drop", 502] as const) {
      world = await simulatedGithub({
        mode,
        faults: [
          { endpoint: "issues.createComment", nth: 1, fault: { kind: "ghost-write", response } },
        ],
      });
      world.sim.faults.preexistingIssue({ title: "the run's issue" });
      const sink = issueCommentSink({
        client: world.client,
        repo: REPO,
        issueNumber: 1,
        runId: "r1",
      });
      expect(await sink.deliver(retries)).toEqual({ ok: true, value: undefined });
      expect(await sink.deliver(retries)).toEqual({ ok: true, value: undefined });
      expect(commentsFor(world, retries)).toHaveLength(1);
      expect(world.requestsTo("issues.createComment")).toHaveLength(1);
      const done = world;
      world = undefined;
      await done.close();
      expect(done.tokenLeaks()).toEqual([]);
    }
  });

  it("reports a delivery to a missing issue as an error result, not a throw", async () => {
    world = await simulatedGithub({ mode });
    const sink = issueCommentSink({
      client: world.client,
      repo: REPO,
      issueNumber: 7,
      runId: "r1",
    });
    const outcome = await sink.deliver(retries);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.message).toBe("Could not comment alert ALERT-RETRIES on octo/app#7.");
    expect(outcome.error.cause).toBeInstanceOf(Error);
  });
});

describe("issueCommentSink options", () => {
  it("refuses a bad issue number, naming the field", () => {
    expect(() =>
      issueCommentSink({
        client: {} as never,
        repo: REPO,
        issueNumber: 0,
        runId: "r1",
      }),
    ).toThrow(/issueNumber/);
  });
});
