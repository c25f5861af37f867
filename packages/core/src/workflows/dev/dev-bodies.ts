/** The texts the development workflow writes to GitHub and git. Markers are added by core/github. */

const footer = (runId: string) => `---\n_Opened by WorkflowMaster run \`${runId}\`._`;

export function issueBody(body: string, runId: string): string {
  const text = body.trim();
  return text === "" ? footer(runId) : `${text}\n\n${footer(runId)}`;
}

/** Links the issue, so merging the pull request closes it. */
export function pullRequestBody(body: string, issueNumber: number, runId: string): string {
  const text = body.trim();
  return `Closes #${issueNumber}\n\n${text === "" ? "" : `${text}\n\n`}${footer(runId)}`;
}

/** The trailer that lets a resumed run recognise its own commit. */
export function runTrailer(runId: string): string {
  return `Workflowmaster-Run: ${runId}`;
}

export function commitMessage(title: string, issueNumber: number, runId: string): string {
  return `${title.trim()}\n\nRefs #${issueNumber}\n\n${runTrailer(runId)}\n`;
}

export function rollbackComment(runId: string, branch: string | undefined): string {
  const kept =
    branch === undefined
      ? "Nothing was committed."
      : `The local work is kept on branch \`${branch}\` in the repository the run was started in.`;
  return `WorkflowMaster rolled back run \`${runId}\` and closed this issue. ${kept}`;
}
