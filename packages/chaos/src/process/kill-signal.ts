/** The signals the process layer kills with. */
export const KillSignal = {
  /** Cannot be caught: the process dies on the spot, as on a power cut of the process. */
  Kill: "SIGKILL",
  /** A service manager's stop. */
  Term: "SIGTERM",
  /** Ctrl-C in a terminal. */
  Int: "SIGINT",
} as const;
export type KillSignal = (typeof KillSignal)[keyof typeof KillSignal];

/** Every kill signal, in a fixed order. */
export const KILL_SIGNALS: readonly KillSignal[] = Object.values(KillSignal);
