import type { Phase } from "../../../engine/index.js";
import { wfmError } from "../../../errors/index.js";
import { preflightRefusals } from "../../../git/index.js";
import { ensureGitExclude } from "../../../state/index.js";
import type { DevRunInput } from "../dev-run-input.js";
import { commandContext, type DevRuntime } from "../dev-runtime.js";
import type { PreflightValue } from "../dev-values.js";

/**
 * Checks the repository before anything is created anywhere (core/git's
 * preflight: not a repository, damage, an operation half done, a stale
 * index.lock — repaired —, a dirty tree, the remote), keeps run state out
 * of git, and fixes the commit the run starts from. Changes nothing a
 * person would miss, so it is not journaled as a side effect.
 */
export function preflightPhase(rt: DevRuntime): Phase<DevRunInput, PreflightValue> {
  return {
    name: "preflight",
    sideEffect: false,
    async run(ctx) {
      const findings = await rt.git.preflight({ signal: ctx.signal });
      const refusals = preflightRefusals(findings);
      const first = refusals.find((refusal) => refusal.blocking) ?? refusals[0];
      if (first !== undefined) throw first.error;
      await ensureGitExclude(rt.fs, rt.git.dir);
      const baseSha = await resolveBase(rt, ctx.runId, ctx.signal);
      const repairs = findings.flatMap((finding) =>
        finding.status === "repaired" ? [`${finding.check}: ${finding.detail}`] : [],
      );
      return { baseSha, repairs };
    },
  };
}

/** The base branch's commit: the local branch if there is one, else the remote-tracking one. */
async function resolveBase(rt: DevRuntime, runId: string, signal: AbortSignal): Promise<string> {
  for (const ref of [`refs/heads/${rt.base}`, `refs/remotes/${rt.remote}/${rt.base}`]) {
    const found = await rt.plumbing.tryRun(
      ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`],
      {
        signal,
      },
    );
    if (found.ok) return found.stdout.trim();
  }
  throw wfmError("WFM-DEV-BASE-MISSING", {
    message: `There is no branch ${rt.base} in ${rt.git.dir}, neither local nor ${rt.remote}/${rt.base}.`,
    context: commandContext({ runId, cwd: rt.git.dir, base: rt.base, remote: rt.remote }),
  });
}
