import type { Phase, PhaseContext, Workflow } from "@workflowmaster/core";
import { defineWorkflow } from "@workflowmaster/core";

/** The development workflow's phases, with the service each one calls. */
export const DEV_PHASES = [
  { name: "preflight", service: "git" },
  { name: "issue", service: "github" },
  { name: "branch", service: "git" },
  { name: "implement", service: "local" },
  { name: "commit", service: "git" },
  { name: "push", service: "push" },
  { name: "pull-request", service: "github" },
] as const;

export type Service = (typeof DEV_PHASES)[number]["service"];

export interface BenchInput {
  title: string;
}

export interface BenchValue {
  key: string;
}

/** The effect each phase performs: nothing, or a wait standing in for the service. */
export type Effect = (service: Service) => Promise<void>;

/**
 * A 7-phase workflow shaped like the development workflow. Each phase
 * performs its effect once and returns its idempotency key; GitHub phases
 * share the `github` retry-budget target, as the real ones do.
 */
export function syntheticWorkflow(effect: Effect): Workflow<BenchInput> {
  const phases = DEV_PHASES.map(
    ({ name, service }): Phase<BenchInput, BenchValue> => ({
      name,
      ...(service === "github" ? { target: "github" } : {}),
      async run(ctx) {
        await effect(service);
        return { key: ctx.idempotencyKey };
      },
      async reconcile() {
        return { found: false };
      },
    }),
  );
  return defineWorkflow({ name: "bench-dev", phases });
}

/**
 * The same phases called bare: in order, each given its input and the
 * earlier results, with no journal, snapshot, retry wrapper or preflight.
 */
export async function runBare(
  workflow: Workflow<BenchInput>,
  runId: string,
  input: BenchInput,
  base: Omit<PhaseContext<BenchInput>, "runId" | "input" | "results" | "idempotencyKey">,
): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const phase of workflow.phases) {
    results[phase.name] = await phase.run({
      ...base,
      runId,
      input,
      results,
      idempotencyKey: `${runId}:${phase.name}`,
    });
  }
  return results;
}
