import type { Phase } from "../../../engine/index.js";
import { err, ok } from "../../../errors/index.js";
import type { DevRunInput } from "../dev-run-input.js";
import type { DevRuntime } from "../dev-runtime.js";
import { type BranchValue, earlier, preflightValueSchema } from "../dev-values.js";

/**
 * The run's branch, named from the title and the run id (slugified, then
 * checked by git's own `check-ref-format`), created at the base commit
 * preflight fixed and checked out. Local work is never undone: rollback
 * keeps the branch, and says so.
 */
export function branchPhase(rt: DevRuntime): Phase<DevRunInput, BranchValue> {
  const nameFor = (title: string, runId: string) =>
    rt.git.branchNameFor(title, { runId, appendRunId: true, prefix: rt.branchPrefix });

  return {
    name: "branch",
    async run(ctx) {
      const { baseSha } = earlier(ctx, "preflight", preflightValueSchema);
      const name = await nameFor(ctx.input.title, ctx.runId);
      // Idempotent: a branch already at the base (a resumed run) is switched to, not recreated.
      await rt.git.createBranch(name, { startPoint: baseSha, signal: ctx.signal });
      return { name, baseSha };
    },
    async reconcile(ctx) {
      const { baseSha } = earlier(ctx, "preflight", preflightValueSchema);
      const name = await nameFor(ctx.input.title, ctx.runId);
      const observed = await observeBranch(rt, name, baseSha);
      // Not there yet, or not checked out: `run` creates or switches, safely.
      return observed.ok ? { found: true, value: { name, baseSha } } : { found: false };
    },
    postcondition: (_ctx, value) => observeBranch(rt, value.name, value.baseSha),
  };
}

async function observeBranch(rt: DevRuntime, name: string, baseSha: string) {
  const at = await rt.plumbing.tryRun([
    "rev-parse",
    "--verify",
    "--quiet",
    `refs/heads/${name}^{commit}`,
  ]);
  if (!at.ok) return err(`branch ${name} does not exist in ${rt.git.dir}`);
  if (at.stdout.trim() !== baseSha) {
    return err(`branch ${name} is at ${at.stdout.trim()}, not at the base ${baseSha}`);
  }
  const current = await rt.git.currentBranch();
  if (current !== name) {
    return err(`${rt.git.dir} has ${current ?? "a detached HEAD"} checked out, not ${name}`);
  }
  return ok(undefined);
}
