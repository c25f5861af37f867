import { describe, expect, it } from "vitest";
import { CHAOS_CRASH, ChaosCrash, isChaosCrash } from "./chaos-crash.js";

describe("ChaosCrash", () => {
  it("carries the CHAOS_CRASH code, the point and the context", () => {
    const crash = new ChaosCrash("git.push.completed", { phase: "push", runId: "r1" });
    expect(crash.code).toBe(CHAOS_CRASH);
    expect(crash.code).toBe("CHAOS_CRASH");
    expect(crash.name).toBe("ChaosCrash");
    expect(crash.point).toBe("git.push.completed");
    expect(crash.context).toEqual({ phase: "push", runId: "r1" });
    expect(crash.message).toBe(
      "Chaos crash injected at fault point `git.push.completed` in phase `push`: the process is treated as dead here. Resume the run to test recovery.",
    );
  });

  it("is recognised by its brand, not by its code or class name alone", () => {
    const lookalike = Object.assign(new Error("x"), { code: "CHAOS_CRASH", name: "ChaosCrash" });
    expect(isChaosCrash(new ChaosCrash("state.lock.acquired"))).toBe(true);
    expect(isChaosCrash(lookalike)).toBe(false);
    expect(isChaosCrash(null)).toBe(false);
    expect(isChaosCrash("CHAOS_CRASH")).toBe(false);
  });
});
