import type { Phase, RetryPolicy, Workflow } from "@workflowmaster/core";
import { defineWorkflow, err, ok } from "@workflowmaster/core";
import type { Ledger } from "@workflowmaster/core/testing";
import type { FaultyWorld } from "../world/faulty-world.js";

export interface LedgerValue {
  key: string;
}

/**
 * A synthetic workflow of side-effecting phases, each applying one effect
 * to the ledger under its idempotency key: the shape of the development
 * workflow (issue, branch, commit, push, pull request) without GitHub.
 * Every phase declares how to look its effect up (reconcile), how to
 * observe it (postcondition) and how to undo it (compensate).
 */
export function ledgerWorkflow(options: {
  ledger: Ledger;
  world: FaultyWorld;
  phases?: readonly string[];
  retry?: Partial<RetryPolicy>;
  /**
   * Test-only: `false` builds the workflow with its lookup disabled (reconcile
   * never finds the effect), the defect the suite must catch as duplicates.
   */
  lookup?: boolean;
}): Workflow<{ title: string }> {
  const { ledger, world } = options;
  const names = options.phases ?? ["issue", "branch", "commit", "push", "pull-request"];
  const phase = (name: string): Phase<{ title: string }, LedgerValue> => ({
    name,
    target: "world",
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    async run(ctx) {
      await world.apply(ctx.idempotencyKey);
      return { key: ctx.idempotencyKey };
    },
    async reconcile(ctx) {
      if (options.lookup === false) return { found: false };
      return (await ledger.has(ctx.idempotencyKey))
        ? { found: true, value: { key: ctx.idempotencyKey } }
        : { found: false };
    },
    async postcondition(_ctx, value) {
      return (await ledger.has(value.key))
        ? ok(undefined)
        : err(`${value.key} is not in the ledger`);
    },
    async compensate(_ctx, value) {
      if (await ledger.has(value.key)) await ledger.undo(value.key);
    },
  });
  return defineWorkflow({ name: "ledger", phases: names.map(phase) });
}
