import type { GithubClient } from "../github-client.js";

/**
 * A read whose 404 means "absent" rather than a failure. Everything else is
 * thrown for the caller's retry policy to judge.
 */
export async function readOrMissing<T>(
  client: GithubClient,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (client.workflowmaster.classify(error).code === "WFM-GITHUB-NOT-FOUND") return undefined;
    throw error;
  }
}
