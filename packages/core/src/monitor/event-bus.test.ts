import { describe, expect, it } from "vitest";
import { createEventBus } from "./event-bus.js";
import type { WorkflowEvent } from "./events.js";

const started: WorkflowEvent = { type: "run.started", runId: "r1", workflow: "dev" };
const completed: WorkflowEvent = { type: "run.completed", runId: "r1" };

describe("delivering events", () => {
  it("calls every listener in subscription order, for every event in emit order", async () => {
    const bus = createEventBus();
    const seen: string[] = [];
    bus.subscribe((e) => {
      seen.push(`a:${e.type}`);
    });
    bus.subscribe((e) => {
      seen.push(`b:${e.type}`);
    });
    await bus.emit(started);
    await bus.emit(completed);
    expect(seen).toEqual(["a:run.started", "b:run.started", "a:run.completed", "b:run.completed"]);
  });

  it("passes only events of the subscribed type to a typed listener", async () => {
    const bus = createEventBus();
    const workflows: string[] = [];
    bus.subscribe("run.started", (e) => {
      workflows.push(e.workflow);
    });
    await bus.emit(completed);
    await bus.emit(started);
    expect(workflows).toEqual(["dev"]);
  });

  it("stops calling a listener once disposed", async () => {
    const bus = createEventBus();
    let calls = 0;
    const dispose = bus.subscribe(() => {
      calls += 1;
    });
    await bus.emit(started);
    dispose();
    await bus.emit(started);
    expect(calls).toBe(1);
  });

  it("resolves emit only after async listeners have finished", async () => {
    const bus = createEventBus();
    let finished = false;
    bus.subscribe(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished = true;
    });
    await bus.emit(started);
    expect(finished).toBe(true);
  });
});

describe("a failing listener", () => {
  it("does not stop the others, does not reject the emit, and is recorded with its event", async () => {
    const bus = createEventBus();
    const seen: string[] = [];
    const boom = new Error("disk full");
    bus.subscribe(() => {
      throw boom;
    });
    bus.subscribe(() => Promise.reject(new Error("webhook down")));
    bus.subscribe((e) => {
      seen.push(e.type);
    });
    await expect(bus.emit(started)).resolves.toBeUndefined();
    expect(seen).toEqual(["run.started"]);
    expect(bus.errors.map((f) => [f.event.type, (f.error as Error).message])).toEqual([
      ["run.started", "disk full"],
      ["run.started", "webhook down"],
    ]);
    expect(bus.errors[0]?.error).toBe(boom);
  });

  it("is passed to each failure handler, and a throwing handler is recorded too", async () => {
    const bus = createEventBus();
    const handled: string[] = [];
    bus.onListenerError((failure) => {
      handled.push((failure.error as Error).message);
    });
    bus.onListenerError(() => {
      throw new Error("handler broke");
    });
    bus.subscribe(() => {
      throw new Error("listener broke");
    });
    await bus.emit(started);
    expect(handled).toEqual(["listener broke"]);
    expect(bus.errors.map((f) => (f.error as Error).message)).toEqual([
      "listener broke",
      "handler broke",
    ]);
  });

  it("stops reaching a disposed failure handler", async () => {
    const bus = createEventBus();
    let handled = 0;
    const dispose = bus.onListenerError(() => {
      handled += 1;
    });
    bus.subscribe(() => {
      throw new Error("x");
    });
    await bus.emit(started);
    dispose();
    await bus.emit(started);
    expect(handled).toBe(1);
    expect(bus.errors).toHaveLength(2);
  });
});
