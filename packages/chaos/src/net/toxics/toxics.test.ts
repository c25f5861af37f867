import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../seed/seeded-random.js";
import { ChunkChannel, type StreamChunk } from "../stream/chunk-channel.js";
import { ToxicStub } from "../stream/toxic-stub.js";
import { bandwidth } from "./bandwidth.js";
import { latency } from "./latency.js";
import { limitData } from "./limit-data.js";
import { noop } from "./noop.js";
import { resetPeer } from "./reset-peer.js";
import { sliceBounds, slicer } from "./slicer.js";
import { slowClose } from "./slow-close.js";
import { timeout } from "./timeout.js";
import type { Toxic } from "./toxic.js";

/** One stage running `toxic`, fed and read by the test. */
function stage<Name extends string>(
  toxic: Toxic<Name>,
  attributes: Record<Name, number>,
  options: { state?: unknown } = {},
) {
  const input = new ChunkChannel(toxic.bufferSize);
  const output = new ChunkChannel(1024);
  const stub = new ToxicStub(input, output);
  stub.state = options.state ?? toxic.newState?.();
  const records: string[] = [];
  let reset = false;
  const errors: unknown[] = [];
  const run = () =>
    stub.run(
      (running) =>
        toxic.pipe(running, attributes, {
          random: createSeededRandom(1),
          now: () => performance.now(),
          record: (outcome) => records.push(outcome),
          resetConnection: () => {
            reset = true;
          },
        }),
      (error) => errors.push(error),
    );
  run();
  return {
    stub,
    run,
    records,
    errors,
    wasReset: () => reset,
    // The test feeds without waiting for room: the toxic takes chunks as it goes.
    push(text: string | Buffer, timestamp = performance.now()): void {
      void input.push({ data: Buffer.isBuffer(text) ? text : Buffer.from(text), timestamp });
    },
    end: () => input.close(),
    /** Every chunk up to the end of stream. */
    async collect(): Promise<StreamChunk[]> {
      const chunks: StreamChunk[] = [];
      for (;;) {
        const next = output.take();
        if (next === null) return chunks;
        if (next === undefined) await output.readable();
        else chunks.push(next);
      }
    },
    /** What has come out so far, without waiting for the end. */
    taken(): string[] {
      return output.drain().map((chunk) => chunk.data.toString());
    },
  };
}

const text = (chunks: StreamChunk[]) => chunks.map((chunk) => chunk.data.toString());
const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe("noop", () => {
  it("passes every chunk unchanged and closes at the end of stream", async () => {
    const running = stage(noop, {} as Record<never, number>);
    running.push("a");
    running.push("b");
    running.end();
    expect(text(await running.collect())).toEqual(["a", "b"]);
  });
});

describe("latency toxic", () => {
  it("forwards each chunk `latency` ms after it was read, moving its timestamp on", async () => {
    const running = stage(latency, { latency: 60, jitter: 0 });
    const readAt = performance.now();
    running.push("slow", readAt);
    running.end();
    const [chunk] = await running.collect();
    expect(performance.now() - readAt).toBeGreaterThanOrEqual(59);
    expect(chunk?.timestamp).toBeCloseTo(readAt + 60, 0);
  });

  it("hands the chunk it holds on at once when interrupted", async () => {
    const running = stage(latency, { latency: 10_000, jitter: 0 });
    running.push("held");
    await settle();
    expect(await running.stub.interrupt()).toBe(true);
    expect(running.taken()).toEqual(["held"]);
  });

  it("journals the delay it drew when there is jitter", async () => {
    const running = stage(latency, { latency: 5, jitter: 3 });
    running.push("x");
    running.end();
    await running.collect();
    expect(running.records).toEqual(["delayed"]);
  });
});

describe("bandwidth toxic", () => {
  it("with rate 0 holds the data, and lets it go when interrupted", async () => {
    const running = stage(bandwidth, { rate: 0 });
    running.push("stuck");
    await settle(250);
    // An empty slice every 100 ms, the data itself never.
    const slices = running.taken();
    expect(slices.length).toBeGreaterThanOrEqual(1);
    expect(slices.every((slice) => slice === "")).toBe(true);
    expect(await running.stub.interrupt()).toBe(true);
    expect(running.taken()).toEqual(["stuck"]);
  });

  it("sends a large chunk in 100 ms slices of rate × 100 bytes", async () => {
    const running = stage(bandwidth, { rate: 1 });
    running.push(Buffer.alloc(250, 1));
    running.end();
    const sizes = (await running.collect()).map((chunk) => chunk.data.length);
    expect(sizes).toEqual([100, 100, 50]);
  });
});

describe("slow_close toxic", () => {
  it("passes data and closes `delay` ms after the end of stream", async () => {
    const running = stage(slowClose, { delay: 80 });
    running.push("d");
    const endedAt = performance.now();
    running.end();
    expect(text(await running.collect())).toEqual(["d"]);
    expect(performance.now() - endedAt).toBeGreaterThanOrEqual(79);
    expect(running.records).toEqual(["closed"]);
  });
});

describe("timeout toxic", () => {
  it("drops everything and closes after `timeout` ms without input", async () => {
    const running = stage(timeout, { timeout: 50 });
    running.push("dropped");
    expect(await running.collect()).toEqual([]);
    expect(running.records).toEqual(["closed"]);
  });

  it("with 0 never closes on its own; removal (cleanup) closes it", async () => {
    const running = stage(timeout, { timeout: 0 });
    running.push("dropped");
    await settle(100);
    expect(running.stub.closed).toBe(false);
    expect(await running.stub.interrupt()).toBe(true);
    timeout.cleanup?.(running.stub);
    expect([running.stub.closed, running.taken()]).toEqual([true, []]);
  });
});

describe("reset_peer toxic", () => {
  it("drops the first chunk, arms RST for the connection and closes", async () => {
    const running = stage(resetPeer, { timeout: 0 });
    running.push("first");
    running.push("second");
    expect(await running.collect()).toEqual([]);
    expect([running.wasReset(), running.records]).toEqual([true, ["reset"]]);
  });
});

describe("limit_data toxic", () => {
  it("truncates the chunk that crosses the limit and closes", async () => {
    const running = stage(limitData, { bytes: 5 });
    running.push("abc");
    running.push("def");
    running.push("gh");
    expect(text(await running.collect())).toEqual(["abc", "de"]);
  });

  it("with 0 bytes closes on the first chunk, sending nothing", async () => {
    const running = stage(limitData, { bytes: 0 });
    running.push("abc");
    expect(await running.collect()).toEqual([]);
  });

  it("keeps its count across a restart", async () => {
    const running = stage(limitData, { bytes: 5 });
    running.push("abc");
    await settle();
    expect(await running.stub.interrupt()).toBe(true);
    expect(running.taken()).toEqual(["abc"]);
    running.run();
    running.push("defg");
    expect(text(await running.collect())).toEqual(["de"]);
  });
});

describe("slicer toxic", () => {
  it("cuts into pieces that reassemble exactly, for any attributes", () => {
    const random = createSeededRandom(9);
    for (const [average, variation] of [
      [0, 0],
      [0, 5],
      [-1, 0],
      [1, 0],
      [2, 1],
      [5, 10],
      [10, 10],
      [64, 8],
      [1024, 512],
    ] as const) {
      for (const length of [0, 1, 2, 21, 64, 1000, 4096]) {
        const bounds = sliceBounds(length, average, variation, random);
        const increasing = bounds.every(
          (bound, index) => index === 0 || bound > (bounds[index - 1] as number),
        );
        expect([bounds[0], bounds.at(-1), increasing]).toEqual([0, length, true]);
      }
    }
  });

  it("keeps pieces at most average + variation bytes", () => {
    const bounds = sliceBounds(1000, 10, 4, createSeededRandom(2));
    const sizes = bounds.slice(1).map((end, index) => end - (bounds[index] as number));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(14);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(1000);
  });

  it("forwards the pieces in order", async () => {
    const running = stage(slicer, { average_size: 3, size_variation: 1, delay: 0 });
    running.push("abcdefghijklmnop");
    running.end();
    const chunks = await running.collect();
    expect(chunks.length).toBeGreaterThan(3);
    expect(text(chunks).join("")).toBe("abcdefghijklmnop");
  });
});
