import { z } from "zod";

/**
 * What a firing fault point does: `"throw"` a `ChaosCrash` (a crash simulated
 * in-process), `"kill"` the process with a real SIGKILL (only inside a child
 * process, never a test runner), or `{ delayMs }` on the injected clock.
 */
export type FaultAction = "throw" | "kill" | { readonly delayMs: number };

export const faultActionSchema = z.union(
  [
    z.literal("throw"),
    z.literal("kill"),
    z.strictObject({ delayMs: z.number().finite().nonnegative() }),
  ],
  { error: 'must be "throw", "kill" or { delayMs: a finite number >= 0 }' },
);

export function isDelay(action: FaultAction): action is { readonly delayMs: number } {
  return typeof action === "object";
}
