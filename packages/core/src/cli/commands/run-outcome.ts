import type { RunOutcome } from "../../engine/index.js";
import { exitCodeFor } from "../../engine/index.js";
import { attemptRefPrefix } from "../../workflows/index.js";
import { renderError, sanitise } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { statusJson } from "../status-view.js";

/** Saved attempt refs, as `for-each-ref` lists them (`refname sha`). */
export async function savedAttempts(
  io: CliIo,
  repoDir: string,
  runId: string,
): Promise<{ ref: string; commit: string }[]> {
  const prefix = `${attemptRefPrefix(runId)}/`;
  const result = await io.ports.spawner.run(
    "git",
    ["for-each-ref", "--format=%(refname) %(objectname)", prefix],
    { cwd: repoDir, env: { LC_ALL: "C" } },
  );
  // A repository git cannot read has no refs to list; preflight says why.
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [ref = "", commit = ""] = line.split(" ");
      return { ref, commit };
    });
}

/**
 * Prints how a run (or resume) ended and returns the exit code: `--json`
 * prints the status object on standard output; otherwise a summary there,
 * and the error with its guidance and next command on standard error. The
 * work of interrupted implement attempts is named wherever it was kept.
 */
export async function reportOutcome(
  io: CliIo,
  outcome: RunOutcome,
  options: { json: boolean; repoDir: string },
): Promise<number> {
  const code = exitCodeFor(outcome);
  const view = statusJson(outcome.snapshot);
  const kept = await savedAttempts(io, options.repoDir, outcome.runId);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(view)}\n`);
  } else {
    const headline: Record<number, string> = {
      0: "completed",
      1: "failed",
      3: "paused and needs you",
      130: "was interrupted and stopped at a safe point; it can be resumed",
    };
    const where =
      outcome.snapshot.phases.find(
        (phase) => phase.status === "failed" || phase.status === "intent",
      )?.name ?? undefined;
    const lines = [
      `Run ${outcome.runId} ${headline[code] ?? outcome.state}${code !== 0 && where !== undefined ? ` (at ${where})` : ""}.`,
    ];
    if (view.issue !== undefined)
      lines.push(`  Issue:        #${view.issue.number} ${view.issue.url}`);
    if (view.branch !== undefined) lines.push(`  Branch:       ${view.branch}`);
    if (view.pullRequest !== undefined) {
      lines.push(`  Pull request: #${view.pullRequest.number} ${view.pullRequest.url}`);
    }
    for (const attempt of kept) {
      lines.push(
        `  Kept the work of an interrupted implement attempt: ${attempt.ref} (${attempt.commit.slice(0, 12)})`,
      );
    }
    if (outcome.partial) lines.push("  Some optional phases were skipped or degraded.");
    if (code === 130) lines.push(`  Resume it with: workflowmaster resume ${outcome.runId}`);
    io.stdout.write(sanitise(`${lines.join("\n")}\n`));
  }
  if (outcome.error !== undefined && code !== 0) io.stderr.write(renderError(outcome.error));
  for (const warning of outcome.warnings) {
    io.stderr.write(`warning: ${warning.code}: ${sanitise(warning.message)}\n`);
  }
  return code;
}
