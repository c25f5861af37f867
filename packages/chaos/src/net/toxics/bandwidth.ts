import type { Toxic } from "./toxic.js";

const SLICE_MS = 100;

/**
 * Limits throughput to `rate` KB/s (1 KB = 1000 B, so `rate` bytes per ms):
 * each chunk waits `length / rate` ms, and a chunk larger than 100 ms worth
 * is sent in 100 ms slices. `rate` 0 holds every byte (an empty slice every
 * 100 ms, forever) until the toxic is removed, when the held bytes flow on:
 * a stall that heals.
 */
export const bandwidth: Toxic<"rate"> = {
  type: "bandwidth",
  attributes: ["rate"],
  bufferSize: 0,
  async pipe(stage, { rate }, context) {
    let sleep = 0;
    for (;;) {
      const received = await stage.next();
      if (received === "interrupt") return;
      if (received === "eof") {
        stage.close();
        return;
      }
      let { data } = received.chunk;
      const { timestamp } = received.chunk;
      sleep = rate <= 0 ? 0 : sleep + data.length / rate;
      const sliceBytes = Math.max(0, rate) * SLICE_MS;
      while (data.length > sliceBytes) {
        if (!(await stage.sleep(SLICE_MS))) {
          await stage.send({ data, timestamp });
          return;
        }
        if (!(await stage.send({ data: data.subarray(0, sliceBytes), timestamp }))) {
          await stage.send({ data: data.subarray(sliceBytes), timestamp });
          return;
        }
        data = data.subarray(sliceBytes);
        sleep -= SLICE_MS;
      }
      const started = context.now();
      if (!(await stage.sleep(sleep))) {
        await stage.send({ data, timestamp });
        return;
      }
      // Timers overshoot; carry the error into the next wait.
      sleep -= context.now() - started;
      if (!(await stage.send({ data, timestamp }))) return;
    }
  },
};
