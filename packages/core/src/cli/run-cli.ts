import { Command, CommanderError, Option } from "commander";
import { ExitCode } from "../engine/index.js";
import { ErrorKind, isWorkflowMasterError, type WorkflowMasterError } from "../errors/index.js";
import { isUsageError, renderError, usageError } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";
import { alertsCommand } from "./commands/alerts-command.js";
import { dashboardCommand } from "./commands/dashboard-command.js";
import { doctorCommand } from "./commands/doctor-command.js";
import { eventsCommand } from "./commands/events-command.js";
import { explainCommand } from "./commands/explain-command.js";
import { resumeCommand } from "./commands/resume-command.js";
import { rollbackCommand } from "./commands/rollback-command.js";
import { runCommand } from "./commands/run-command.js";
import { runsCommand } from "./commands/runs-command.js";
import { statusCommand } from "./commands/status-command.js";

export const CLI_VERSION = "0.1.0";

/** State that cannot be read is not made better by waiting: a failure, not a pause. */
const FAILURE_CODES: ReadonlySet<string> = new Set([
  "WFM-STATE-CORRUPT",
  "WFM-STATE-SCHEMA-UNKNOWN",
]);

/** The exit code for an error thrown before or around a run (not a run's own outcome). */
export function exitCodeForError(error: WorkflowMasterError): number {
  if (isUsageError(error)) return ExitCode.Usage;
  if (error.code === "WFM-INTERRUPTED") return ExitCode.Interrupted;
  if (FAILURE_CODES.has(error.code)) return ExitCode.Failed;
  return error.kind === ErrorKind.Permanent ? ExitCode.Failed : ExitCode.Paused;
}

const hiddenFaultPoint = () =>
  new Option(
    "--chaos-fault-point <point@n>",
    "test only: SIGKILL at the n-th hit of a fault point",
  ).hideHelp();

/**
 * The `workflowmaster` command line (commander), as a function of its
 * arguments and an injected `CliIo`; resolves with the exit code. Every
 * user error is one message with its guidance and exit 2; a bug is one
 * line and exit 1 (the stack only with WORKFLOWMASTER_DEBUG=1).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Completed;
  const program = new Command("workflowmaster")
    .description(
      "Carries a change from an issue to an open pull request — issue, branch, implement, commit, push, pull request — and survives kills, network drops and damaged repositories.",
    )
    .version(CLI_VERSION)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are rendered once, below, with guidance.
      outputError: () => undefined,
    });

  program
    .command("run")
    .description(
      "Start a development run: issue → branch → implement → commit → push → pull request.",
    )
    .requiredOption("--title <text>", "the issue's and pull request's title")
    .option("--body <text>", "the issue's description")
    .option("--body-file <file>", "read the description from a file")
    .option(
      "--implement <command>",
      "the command that makes the change (run with sh -c in the repository)",
    )
    .option("--base <branch>", "the branch to start from and open the pull request against", "main")
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--github-repo <owner/name>", "the GitHub repository (default: the origin remote's)")
    .option("--run-id <id>", "the run's id (default: generated)")
    .option("--json", "print the final status as JSON", false)
    .option(
      "--implement-timeout <duration>",
      "longest one implement attempt may take (90s, 15m, 2h; default 1h)",
    )
    .option(
      "--implement-inactivity <duration>",
      "longest the implement command may stay silent (default 10m)",
    )
    .option("--no-alert-comment", "do not comment alerts on the run's issue")
    .addOption(hiddenFaultPoint())
    .action(async (options) => {
      exitCode = await runCommand(io, options);
    });

  program
    .command("resume")
    .description("Continue a run that was paused, interrupted or killed.")
    .argument("<run-id>")
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--json", "print the final status as JSON", false)
    .option("--no-alert-comment", "do not comment alerts on the run's issue")
    .addOption(hiddenFaultPoint())
    .action(async (runId: string, options) => {
      exitCode = await resumeCommand(io, { runId, ...options });
    });

  program
    .command("status")
    .description("Show a run's state (default: the most recent run).")
    .argument("[run-id]")
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option(
      "--json",
      "print { runId, state, phases, issue?, branch?, pullRequest?, lastError? }",
      false,
    )
    .option(
      "--watch",
      "show the run live until it ends; exit 0 completed, 1 failed, 3 paused",
      false,
    )
    .option("--interval <ms>", "with --watch: milliseconds between reads (default 1000)")
    .action(async (runId: string | undefined, options) => {
      exitCode = await statusCommand(io, { ...options, ...(runId === undefined ? {} : { runId }) });
    });

  program
    .command("rollback")
    .description("Undo a run on GitHub and the remote, newest first, keeping the local work.")
    .argument("<run-id>")
    .option("--dry-run", "print the plan and change nothing", false)
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--json", "print the outcome as JSON", false)
    .addOption(hiddenFaultPoint())
    .action(async (runId: string, options) => {
      exitCode = await rollbackCommand(io, { runId, ...options });
    });

  program
    .command("doctor")
    .description(
      "Check git, the repository, the remote, the token, the rate limit, disk space and every run.",
    )
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--json", "print the checks as JSON", false)
    .action(async (options) => {
      exitCode = await doctorCommand(io, options);
    });

  program
    .command("runs")
    .description("List the repository's runs, newest first.")
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--json", "print the runs as JSON", false)
    .action(async (options) => {
      exitCode = await runsCommand(io, options);
    });

  program
    .command("events")
    .description("Print a run's events.")
    .argument("<run-id>")
    .option("--follow", "keep printing new events until the run ends", false)
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--json", "one JSON event per line", false)
    .action(async (runId: string, options) => {
      exitCode = await eventsCommand(io, { runId, ...options });
    });

  program
    .command("alerts")
    .description(
      "List the active alerts of a run (default: every run), or acknowledge one with --ack.",
    )
    .argument("[run-id]")
    .option("--ack <code>", "acknowledge this alert code of RUN_ID, so it no longer lists")
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .option("--json", "print [{ runId, level, code, message }]", false)
    .action(async (runId: string | undefined, options) => {
      exitCode = await alertsCommand(io, { ...options, ...(runId === undefined ? {} : { runId }) });
    });

  program
    .command("dashboard")
    .description(
      "Serve a live page of the repository's runs, health and alerts on 127.0.0.1 until Ctrl-C.",
    )
    .option("--port <n>", "the port on 127.0.0.1 (default 0: a free one)")
    .option("--cwd <dir>", "the repository (default: the current directory)")
    .action(async (options) => {
      exitCode = await dashboardCommand(io, options);
    });

  program
    .command("explain")
    .description("Explain an error code: what it means, what was done, what to do.")
    .argument("[code]", "an error code such as WFM-DISK-FULL (case-insensitive)")
    .option("--list", "list every error code with its kind and title", false)
    .option("--json", "print JSON", false)
    .action(async (code: string | undefined, options) => {
      exitCode = await explainCommand(io, { ...options, ...(code === undefined ? {} : { code }) });
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    return failed(io, error);
  }
}

function failed(io: CliIo, error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return ExitCode.Completed;
    const detail = error.message.replace(/^error:\s*/, "");
    io.stderr.write(renderError(usageError(detail.charAt(0).toUpperCase() + detail.slice(1))));
    return ExitCode.Usage;
  }
  if (isWorkflowMasterError(error)) {
    io.stderr.write(renderError(error));
    return exitCodeForError(error);
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  io.stderr.write(
    `Error WFM-INTERNAL: WorkflowMaster stopped on an unexpected error: ${text}\n  What to do: please report it with the run's events file attached (workflowmaster events RUN_ID); any run is saved and can be resumed.\n`,
  );
  if (io.env.WORKFLOWMASTER_DEBUG === "1" && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return ExitCode.Failed;
}
