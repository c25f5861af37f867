/**
 * Randomness, injected. Structurally the same as core's `Random` port, so a
 * chaos stream can be handed to the engine without chaos importing core.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}
