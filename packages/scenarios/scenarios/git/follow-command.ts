import type { SeenError } from "../../src/scenario.js";
import type { GitPersonWorld } from "../../src/workflows/git-workflow-case.js";

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * A person who does what the error says: runs its command, filling in the
 * remote's URL (the one value only they know once the remote is gone).
 * Returns false when the command is only a diagnosis (nothing to repair).
 */
export async function followCommand(error: SeenError, world: GitPersonWorld): Promise<boolean> {
  if (error.command === undefined || /\bfsck\b|\bstatus$/.test(error.command)) return false;
  const url = world.corruption?.detail.url;
  const command = error.command.replace(
    "<URL>",
    typeof url === "string" ? shellQuote(url) : "<URL>",
  );
  const result = await world.sh(command);
  if (result.exitCode !== 0) {
    throw new Error(
      `The error's command failed (exit ${result.exitCode}): ${command}\n${result.output}`,
    );
  }
  return true;
}

/**
 * A person resolving WFM-GIT-PUSH-CONFLICT as its guidance says: runs the
 * command (`git pull --rebase …`, which stops on the conflict), keeps the
 * run's version of the conflicting files, `git add`s them and continues the
 * rebase. Any other error is followed as `followCommand` does.
 */
export async function resolveConflict(error: SeenError, world: GitPersonWorld): Promise<boolean> {
  if (error.code !== "WFM-GIT-PUSH-CONFLICT" || error.command === undefined) {
    return followCommand(error, world);
  }
  const pull = await world.sh(error.command);
  if (pull.exitCode === 0) return true;
  // During a rebase "theirs" is the commit being replayed: the run's own.
  const steps = [
    `git checkout --theirs -- ${shellQuote(world.change.path)}`,
    `git add -- ${shellQuote(world.change.path)}`,
    "git rebase --continue",
  ];
  for (const step of steps) {
    const result = await world.sh(step);
    if (result.exitCode !== 0) {
      throw new Error(
        `Resolving the conflict failed at \`${step}\` (exit ${result.exitCode}):\n${result.output}`,
      );
    }
  }
  return true;
}
