import { Direction, type Figure } from "./figure.js";

/** One figure's committed baseline and how far it may drift before the gate fails. */
export interface BaselineEntry {
  value: number;
  /** Relative tolerance: 0.35 lets a cost rise 35 % (or a share fall 35 %) before failing. */
  tolerance: number;
  /** Not gated: reported only (an absolute same-run difference, say). */
  informational?: boolean;
}

export interface Baseline {
  /** Why the tolerances are what they are; people read this. */
  note?: string;
  figures: Record<string, BaselineEntry>;
}

export interface Comparison {
  id: string;
  value: number;
  baseline: number;
  /** The worst value still accepted. */
  limit: number;
  ok: boolean;
}

/** The worst acceptable value for a baseline entry in the figure's direction. */
export function limitFor(direction: Direction, entry: BaselineEntry): number {
  return direction === Direction.LowerIsBetter
    ? entry.value * (1 + entry.tolerance)
    : entry.value * (1 - entry.tolerance);
}

/** Compares one figure with its baseline entry. */
export function compareFigure(figure: Figure, entry: BaselineEntry): Comparison {
  const limit = limitFor(figure.direction, entry);
  const ok =
    figure.direction === Direction.LowerIsBetter ? figure.value <= limit : figure.value >= limit;
  return { id: figure.id, value: figure.value, baseline: entry.value, limit, ok };
}

export interface GateVerdict {
  id: string;
  /** Every measurement taken, the first one first. */
  attempts: Comparison[];
  /** `pass`, `pass-after-repeat` (noise), `fail` (every attempt outside), `no-baseline`, `informational`. */
  outcome: "pass" | "pass-after-repeat" | "fail" | "no-baseline" | "informational";
}

export interface GateOptions {
  /** Measures one figure again (usually by running its suite again). */
  remeasure: (figure: Figure) => Promise<Figure>;
  /** Extra measurements of a figure outside its tolerance before it fails (default 2). */
  repeats?: number;
}

/**
 * The regression gate. Each gated figure within tolerance passes; one outside
 * is measured again, up to `repeats` times, and passes if any repeat is
 * within tolerance (a noisy moment), failing only when every attempt is
 * outside (a real regression). A figure with no baseline entry is reported,
 * not failed, so adding a benchmark does not break the gate before its
 * baseline is committed.
 */
export async function gate(
  figures: readonly Figure[],
  baseline: Baseline,
  options: GateOptions,
): Promise<GateVerdict[]> {
  const repeats = options.repeats ?? 2;
  const verdicts: GateVerdict[] = [];
  for (const figure of figures) {
    const entry = baseline.figures[figure.id];
    if (entry === undefined) {
      verdicts.push({ id: figure.id, attempts: [], outcome: "no-baseline" });
      continue;
    }
    const first = compareFigure(figure, entry);
    if (entry.informational === true) {
      verdicts.push({ id: figure.id, attempts: [first], outcome: "informational" });
      continue;
    }
    const attempts = [first];
    while (!attempts.at(-1)?.ok && attempts.length <= repeats) {
      attempts.push(compareFigure(await options.remeasure(figure), entry));
    }
    const ok = attempts.at(-1)?.ok === true;
    verdicts.push({
      id: figure.id,
      attempts,
      outcome: !ok ? "fail" : attempts.length === 1 ? "pass" : "pass-after-repeat",
    });
  }
  return verdicts;
}
