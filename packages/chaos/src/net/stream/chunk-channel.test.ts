import { describe, expect, it } from "vitest";
import { ChunkChannel, type StreamChunk } from "./chunk-channel.js";

const chunk = (text: string, timestamp = 0): StreamChunk => ({
  data: Buffer.from(text),
  timestamp,
});

describe("ChunkChannel: order and end of stream", () => {
  it("hands chunks over in push order, then null for ever after close", () => {
    const channel = new ChunkChannel(4);
    void channel.push(chunk("a"));
    void channel.push(chunk("b"));
    channel.close();
    expect(channel.take()?.data.toString()).toBe("a");
    expect(channel.take()?.data.toString()).toBe("b");
    expect([channel.take(), channel.take()]).toEqual([null, null]);
  });

  it("returns undefined when empty and open, and ignores pushes after close", () => {
    const channel = new ChunkChannel(0);
    expect(channel.take()).toBe(undefined);
    channel.close();
    const late = channel.push(chunk("late"));
    expect(late).toBe(undefined);
    expect(channel.size).toBe(0);
  });

  it("drains everything queued, oldest first", () => {
    const channel = new ChunkChannel(8);
    for (const text of ["1", "2", "3"]) void channel.push(chunk(text));
    expect(channel.drain().map((item) => item.data.toString())).toEqual(["1", "2", "3"]);
    expect(channel.size).toBe(0);
  });
});

describe("ChunkChannel: backpressure", () => {
  it("accepts up to `capacity` at once and settles later pushes as items are taken", async () => {
    const channel = new ChunkChannel(1);
    expect(channel.push(chunk("a"))).toBe(undefined);
    const second = channel.push(chunk("b"));
    expect(second).toBeInstanceOf(Promise);
    let settled = false;
    void second?.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    channel.take();
    await second;
    expect(settled).toBe(true);
  });

  it("with capacity 0 settles a push only when its chunk is taken", async () => {
    const channel = new ChunkChannel(0);
    const pushed = channel.push(chunk("a"));
    expect(pushed).toBeInstanceOf(Promise);
    expect(channel.take()?.data.toString()).toBe("a");
    await pushed;
  });

  it("settles waiting pushes on close", async () => {
    const channel = new ChunkChannel(0);
    const pushed = channel.push(chunk("a"));
    channel.close();
    await pushed;
    expect(channel.take()?.data.toString()).toBe("a");
    expect(channel.take()).toBe(null);
  });

  it("wakes readers on push and on close", async () => {
    const channel = new ChunkChannel(0);
    const readable = channel.readable();
    void channel.push(chunk("x"));
    await readable;
    channel.take();
    const atEnd = channel.readable();
    channel.close();
    await atEnd;
    expect(channel.take()).toBe(null);
  });
});
