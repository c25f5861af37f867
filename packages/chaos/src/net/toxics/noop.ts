import { passThrough, type Toxic } from "./toxic.js";

/** Passes everything through; the hidden first stage of every chain, and a valid `type`. */
export const noop: Toxic<never> = {
  type: "noop",
  attributes: [],
  bufferSize: 0,
  pipe: (stage) => passThrough(stage),
};
