import type { Toxic } from "./toxic.js";

interface LimitDataState {
  transmitted: number;
}

/**
 * Lets `bytes` bytes through per connection and direction, truncating the
 * chunk that crosses the limit, then closes. The count survives restarts of
 * the stage (another toxic added or removed), as in Toxiproxy.
 */
export const limitData: Toxic<"bytes"> = {
  type: "limit_data",
  attributes: ["bytes"],
  bufferSize: 0,
  newState: (): LimitDataState => ({ transmitted: 0 }),
  async pipe(stage, { bytes }, context) {
    const state = stage.state as LimitDataState;
    for (;;) {
      const received = await stage.next();
      if (received === "interrupt") return;
      if (received === "eof") {
        stage.close();
        return;
      }
      const remaining = Math.max(0, bytes - state.transmitted);
      const { chunk } = received;
      const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
      let interrupted = false;
      if (data.length > 0) {
        interrupted = !(await stage.send({ data, timestamp: chunk.timestamp }));
        state.transmitted += data.length;
      }
      if (bytes - state.transmitted <= 0) {
        context.record("closed", { bytes });
        stage.close();
        return;
      }
      if (interrupted) return;
    }
  },
};
