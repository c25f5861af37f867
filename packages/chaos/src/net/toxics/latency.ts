import type { Toxic } from "./toxic.js";

/**
 * Delays each chunk by `latency` ± `jitter` ms (uniform in [-jitter,
 * +jitter)), measured from when the chunk was read, so it pipelines: a
 * steady stream arrives late but not slower. Chained latencies add up.
 */
export const latency: Toxic<"latency" | "jitter"> = {
  type: "latency",
  attributes: ["latency", "jitter"],
  bufferSize: 1024,
  async pipe(stage, { latency: base, jitter }, context) {
    for (;;) {
      const received = await stage.next();
      if (received === "interrupt") return;
      if (received === "eof") {
        stage.close();
        return;
      }
      let delay = base;
      if (jitter > 0) {
        delay += context.random.int(0, jitter * 2 - 1) - jitter;
        context.record("delayed", { delayMs: delay });
      }
      const { chunk } = received;
      const wait = delay - (context.now() - chunk.timestamp);
      // Interrupted: hand the chunk on at once rather than drop it.
      if (wait > 0 && !(await stage.sleep(wait))) {
        await stage.send(chunk);
        return;
      }
      // Later stages measure from the delayed time, so a second latency adds on.
      const delayed = { data: chunk.data, timestamp: chunk.timestamp + Math.max(0, wait) };
      if (!(await stage.send(delayed))) return;
    }
  },
};
