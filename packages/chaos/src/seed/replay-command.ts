/** The one command that reruns a scenario exactly, printed with every failure. */
export function replayCommand(scenario: string, seed: number): string {
  if (typeof scenario !== "string" || scenario.trim() === "") {
    throw new TypeError("replayCommand(scenario, seed) needs a scenario name.");
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new TypeError(
      `replayCommand(scenario, seed) needs a non-negative integer seed, got ${String(seed)}.`,
    );
  }
  return `pnpm exec workflowmaster-chaos replay ${quoteArgument(scenario)} --seed ${seed}`;
}

// Scenario names are usually path-like (`github/rate-limit`); quote anything
// else so the printed command can be pasted into a POSIX shell as is.
function quoteArgument(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
