import { GITHUB_CLIENT_DEFAULTS } from "@workflowmaster/core";
import { describe, expect, it } from "vitest";
import { hungConnectionTimeline } from "./hung-connection-suite.js";

describe("hungConnectionTimeline", () => {
  it("times a hung read out after the client's default read timeout, in virtual time, and recovers on the retry", async () => {
    expect(await hungConnectionTimeline("GET")).toEqual({
      detectMs: GITHUB_CLIENT_DEFAULTS.readTimeoutMs,
      retryStartedMs: 11_000,
      outcome: "answered 200 after 2 requests",
    });
  });

  it("times a hung write out after the longer write timeout and reports the timeout error", async () => {
    expect(await hungConnectionTimeline("POST")).toEqual({
      detectMs: 30_000,
      retryStartedMs: Number.NaN,
      outcome: "GitHub did not answer within 30 s",
    });
  });
});
