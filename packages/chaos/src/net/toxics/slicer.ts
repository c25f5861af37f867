import type { SeededRandom } from "../../seed/seeded-random.js";
import type { Toxic } from "./toxic.js";

/**
 * Cuts each chunk into pieces of about `average_size` ± `size_variation`
 * bytes (halving around the middle, moved by up to the variation) and sends
 * them `delay` µs apart. Any attributes terminate: pieces never go below one byte.
 */
export const slicer: Toxic<"average_size" | "size_variation" | "delay"> = {
  type: "slicer",
  attributes: ["average_size", "size_variation", "delay"],
  bufferSize: 0,
  async pipe(stage, attributes, context) {
    const delayMs = Math.max(0, attributes.delay) / 1000;
    for (;;) {
      const received = await stage.next();
      if (received === "interrupt") return;
      if (received === "eof") {
        stage.close();
        return;
      }
      const { data, timestamp } = received.chunk;
      const cuts = sliceBounds(
        data.length,
        attributes.average_size,
        attributes.size_variation,
        context.random,
      );
      for (let index = 1; index < cuts.length; index += 1) {
        const from = cuts[index - 1] as number;
        const to = cuts[index] as number;
        const sent = await stage.send({ data: data.subarray(from, to), timestamp });
        const last = index === cuts.length - 1;
        // Interrupted: the rest goes on in one piece.
        if (!sent || (!last && delayMs > 0 && !(await stage.sleep(delayMs)))) {
          if (!last) await stage.send({ data: data.subarray(to), timestamp });
          return;
        }
      }
    }
  },
};

/** Offsets `[0, …, length]` cutting `length` bytes into pieces; exported for tests. */
export function sliceBounds(
  length: number,
  averageSize: number,
  sizeVariation: number,
  random: SeededRandom,
): number[] {
  const average = Math.max(1, averageSize);
  const variation = Math.max(0, sizeVariation);
  const bounds: number[] = [0];
  const split = (start: number, end: number) => {
    if (end - start - average <= variation || end - start <= 1) {
      bounds.push(end);
      return;
    }
    let middle = start + Math.floor((end - start) / 2);
    if (variation > 0) middle += random.int(0, variation * 2 - 1) - variation;
    middle = Math.min(end - 1, Math.max(start + 1, middle));
    split(start, middle);
    split(middle, end);
  };
  if (length > 0) split(0, length);
  return bounds;
}
