import { tmpdir } from "node:os";
import { checkBranchName } from "./branch-name-for.js";
import type { GitSession } from "./git-session.js";

/**
 * `name` when the real git accepts it as a branch name exactly as given;
 * otherwise a TypeError: names come from branchNameFor, so a bad one is a
 * bug in the caller, never retried.
 */
export async function validBranch(
  session: GitSession,
  name: unknown,
  what: string,
): Promise<string> {
  if (typeof name !== "string" || name === "" || name.startsWith("-")) {
    throw new TypeError(
      `${what}: the branch name must be a non-empty string not starting with '-', got ${JSON.stringify(name)}.`,
    );
  }
  const verdict = await checkBranchName(session.spawner, tmpdir(), name, {
    ...session.environment.env,
  });
  if (!verdict.valid) {
    throw new TypeError(
      `${what}: ${JSON.stringify(name)} is not a valid branch name (${verdict.reason}).`,
    );
  }
  return name;
}
