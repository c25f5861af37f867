import type { FaultJournal, Seed, VirtualClock } from "@workflowmaster/chaos";

/** What one case (a scenario under one seed) gets: all of it fresh. */
export interface ScenarioContext {
  readonly scenario: string;
  readonly seed: number;
  /** Per-layer random streams, all from `seed`. */
  readonly seeds: Seed;
  readonly clock: VirtualClock;
  readonly journal: FaultJournal;
  /** A fresh temporary directory, removed after the case. */
  readonly workDir: string;
}

/** A terminal or paused error as the user saw it. */
export interface SeenError {
  code: string;
  message: string;
  guidance: string;
  command?: string;
}

/** The part of an error a person saw, as the checkers judge it. */
export function seenError(error: {
  code: string;
  message: string;
  guidance: string;
  command?: string | undefined;
}): SeenError {
  return {
    code: error.code,
    message: error.message,
    guidance: error.guidance,
    ...(error.command === undefined ? {} : { command: error.command }),
  };
}

/** What a case observed; the checkers judge it. */
export interface Observation {
  /** The run's final state. */
  state: string;
  /** Effects that must be live at the end ("completed"), or none ("rolled-back"). */
  expectedLive: readonly string[];
  /** Effects live in the world at the end. */
  live: ReadonlySet<string>;
  /** How many times each effect was applied. */
  applications: ReadonlyMap<string, number>;
  /** Every error that paused or failed the run along the way. */
  errors: readonly SeenError[];
  /** Restarts after a crash and resumes after a pause. */
  resumes: number;
  /** Virtual time from start to end. */
  virtualMs: number;
  /** Virtual time from the first injected fault to the engine's first reaction to it. */
  detectMs?: number;
  /** Virtual time from the first injected fault to the run's end state. */
  recoverMs?: number;
  /** Whether the run paused on an error only a person can clear (not a transient one). */
  neededPerson: boolean;
}

export const Expectation = {
  Completed: "completed",
  RolledBack: "rolled-back",
  /** Stopped by design on an error only a person can clear, its work kept. */
  Paused: "paused",
} as const;
export type Expectation = (typeof Expectation)[keyof typeof Expectation];

/** A declared fault: `layer:fault`, as recorded in the fault journal. */
export type DeclaredFault = `${string}:${string}`;

export interface Scenario {
  readonly name: string;
  readonly tags: readonly string[];
  readonly description: string;
  /** Faults the scenario injects; each must fire in at least one seed. */
  readonly faults: readonly DeclaredFault[];
  /** The state every case must end in. */
  readonly expect: Expectation;
  run(context: ScenarioContext): Promise<Observation>;
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/;

/** Validates a scenario where it is declared: `layer/name`, known tags, faults as `layer:fault`. */
export function defineScenario(scenario: Scenario): Scenario {
  if (!NAME.test(scenario.name)) {
    throw new TypeError(
      `Invalid scenario: name "${scenario.name}" must be "layer/kebab-name" (e.g. "engine/ghost-writes").`,
    );
  }
  for (const fault of scenario.faults) {
    // Injectors journal some faults by their system name: fs:ENOSPC, process:SIGKILL.
    if (!/^[a-z]+:[A-Za-z0-9_.-]+$/.test(fault)) {
      throw new TypeError(
        `Invalid scenario ${scenario.name}: fault "${fault}" must be "layer:fault" (e.g. "github:ghost-write").`,
      );
    }
  }
  if (scenario.tags.length === 0) {
    throw new TypeError(`Invalid scenario ${scenario.name}: tags must name at least one class.`);
  }
  return scenario;
}
