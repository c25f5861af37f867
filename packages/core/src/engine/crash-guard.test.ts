import { describe, expect, it } from "vitest";
import { guardFaultPoints } from "./crash-guard.js";

describe("crash guard", () => {
  it("treats a throwing fault point as death: abandons once, then refuses every later point", async () => {
    const crash = new Error("killed here");
    const guard = guardFaultPoints({
      hit: async (point) => {
        if (point === "engine.phase.effect-applied") throw crash;
      },
    });
    const abandoned: string[] = [];
    guard.onCrash(async () => {
      abandoned.push("store");
    });
    guard.onCrash(async () => {
      throw new Error("close failed");
    });
    await guard.faultPoints.hit("engine.phase.intent-recorded");
    expect(guard.crashed).toBe(false);
    await expect(guard.faultPoints.hit("engine.phase.effect-applied")).rejects.toBe(crash);
    expect(guard.crashed).toBe(true);
    expect(guard.crash).toBe(crash);
    expect(abandoned).toEqual(["store"]);
    expect(guard.abandonErrors.map((error) => (error as Error).message)).toEqual(["close failed"]);
    await expect(guard.faultPoints.hit("engine.phase.result-recorded")).rejects.toBe(crash);
    expect(abandoned).toEqual(["store"]);
  });
});
