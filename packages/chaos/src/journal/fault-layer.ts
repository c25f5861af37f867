/** Where a fault was injected: one value per chaos layer. */
export const FaultLayer = {
  Network: "network",
  Github: "github",
  Fs: "fs",
  Process: "process",
  Git: "git",
  Engine: "engine",
} as const;
export type FaultLayer = (typeof FaultLayer)[keyof typeof FaultLayer];

/** Every layer, in a fixed order. */
export const FAULT_LAYERS: readonly FaultLayer[] = Object.values(FaultLayer);
