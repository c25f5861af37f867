import { isWorkflowMasterError } from "../../errors/index.js";
import { listRuns, stateRoot } from "../../state/index.js";
import { oneLine } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { statusJson } from "../status-view.js";
import { readingEngine, repositoryFor } from "./command-context.js";

export interface RunsCommandOptions {
  cwd?: string;
  json: boolean;
}

type RunsEntry =
  | {
      runId: string;
      state: string;
      title: string | undefined;
      updatedAt: string;
      issue?: { number: number; url: string };
      pullRequest?: { number: number; url: string };
    }
  | { runId: string; state: "unreadable"; error: { code: string; message: string } };

/**
 * `workflowmaster runs`: every run of the repository, newest first, with
 * its state; a run whose state cannot be read is listed with its error
 * code rather than left out (`doctor` says more).
 */
export async function runsCommand(io: CliIo, options: RunsCommandOptions): Promise<number> {
  const repoDir = await repositoryFor(io, options.cwd, "runs");
  const engine = readingEngine(io, repoDir);
  const entries: RunsEntry[] = [];
  for (const runId of await listRuns({ fs: io.ports.fs, root: stateRoot(repoDir) })) {
    try {
      const snapshot = await engine.status(runId);
      const view = statusJson(snapshot);
      const title = (snapshot.input as { title?: unknown } | undefined)?.title;
      entries.push({
        runId,
        state: snapshot.state,
        title: typeof title === "string" ? title : undefined,
        updatedAt: snapshot.updatedAt,
        ...(view.issue === undefined ? {} : { issue: view.issue }),
        ...(view.pullRequest === undefined ? {} : { pullRequest: view.pullRequest }),
      });
    } catch (error) {
      if (!isWorkflowMasterError(error)) throw error;
      entries.push({
        runId,
        state: "unreadable",
        error: { code: error.code, message: error.message },
      });
    }
  }
  const updated = (entry: RunsEntry) => ("updatedAt" in entry ? entry.updatedAt : "");
  entries.sort((a, b) => updated(b).localeCompare(updated(a)) || a.runId.localeCompare(b.runId));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(entries)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    io.stdout.write(`No runs in ${stateRoot(repoDir)} yet.\n`);
    return 0;
  }
  for (const entry of entries) {
    if ("error" in entry) {
      io.stdout.write(
        `${entry.runId}  unreadable  ${entry.error.code}: ${oneLine(entry.error.message)}\n`,
      );
      continue;
    }
    const links = [
      entry.issue === undefined ? "" : `issue #${entry.issue.number}`,
      entry.pullRequest === undefined ? "" : `PR #${entry.pullRequest.number}`,
    ].filter((part) => part !== "");
    io.stdout.write(
      `${entry.runId}  ${entry.state.padEnd(12)} ${entry.updatedAt}  ${oneLine(entry.title ?? "")}${links.length === 0 ? "" : `  (${links.join(", ")})`}\n`,
    );
  }
  return 0;
}
