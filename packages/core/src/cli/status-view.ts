import type { RunSnapshot } from "../engine/index.js";

/** `status --json`: exactly the shape DESIGN.md fixes for other tools. */
export interface StatusJson {
  runId: string;
  state: string;
  phases: { name: string; status: string; attempts: number }[];
  issue?: { number: number; url: string };
  branch?: string;
  pullRequest?: { number: number; url: string };
  lastError?: { code: string; message: string; guidance: string; command?: string };
}

/** A phase's journaled value, when it is an object. */
export function phaseValue(
  snapshot: RunSnapshot,
  phase: string,
): Record<string, unknown> | undefined {
  const value = snapshot.phases.find((candidate) => candidate.name === phase)?.value;
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberAndUrl(value: Record<string, unknown> | undefined) {
  if (value === undefined) return undefined;
  const { number, url } = value;
  return typeof number === "number" && typeof url === "string" ? { number, url } : undefined;
}

/**
 * The run as `status --json` prints it: nothing more, nothing less. Issue,
 * branch and pull request appear once the phase that made them has a value
 * (they stay after a rollback, which closes them but does not forget them).
 */
export function statusJson(snapshot: RunSnapshot): StatusJson {
  const issue = numberAndUrl(phaseValue(snapshot, "issue"));
  const branch = phaseValue(snapshot, "branch")?.name;
  const pullRequest = numberAndUrl(phaseValue(snapshot, "pull-request"));
  const error = snapshot.lastError;
  return {
    runId: snapshot.runId,
    state: snapshot.state,
    phases: snapshot.phases.map((phase) => ({
      name: phase.name,
      status: phase.status,
      attempts: phase.attempts,
    })),
    ...(issue === undefined ? {} : { issue }),
    ...(typeof branch === "string" ? { branch } : {}),
    ...(pullRequest === undefined ? {} : { pullRequest }),
    ...(error === undefined
      ? {}
      : {
          lastError: {
            code: error.code,
            message: error.message,
            guidance: error.guidance,
            ...(error.command === undefined ? {} : { command: error.command }),
          },
        }),
  };
}

/** The same, for a person. */
export function statusText(snapshot: RunSnapshot): string {
  const view = statusJson(snapshot);
  const title =
    typeof (snapshot.input as { title?: unknown })?.title === "string"
      ? (snapshot.input as { title: string }).title
      : undefined;
  const lines = [`Run ${view.runId}: ${view.state}${title === undefined ? "" : ` — ${title}`}`];
  for (const phase of view.phases) {
    const attempts =
      phase.attempts === 0 ? "" : ` (${phase.attempts} attempt${phase.attempts === 1 ? "" : "s"})`;
    lines.push(`  ${phase.name.padEnd(13)} ${phase.status}${attempts}`);
  }
  if (view.issue !== undefined)
    lines.push(`  Issue:        #${view.issue.number} ${view.issue.url}`);
  if (view.branch !== undefined) lines.push(`  Branch:       ${view.branch}`);
  if (view.pullRequest !== undefined) {
    lines.push(`  Pull request: #${view.pullRequest.number} ${view.pullRequest.url}`);
  }
  if (view.lastError !== undefined) {
    lines.push(`  Last error:   ${view.lastError.code}: ${view.lastError.message}`);
    lines.push(`  What to do:   ${view.lastError.guidance}`);
    if (view.lastError.command !== undefined)
      lines.push(`  Next:         ${view.lastError.command}`);
  }
  return `${lines.join("\n")}\n`;
}
