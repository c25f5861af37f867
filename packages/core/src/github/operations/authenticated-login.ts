import type { GithubClient } from "../github-client.js";

/**
 * The token's login (`GET /user`), asked once per client. A GitHub App
 * installation token (or Actions' GITHUB_TOKEN) may not read `/user`
 * (403 "Resource not accessible by integration"); then the answer is `null`
 * and lookups list without the creator filter. Any other failure is thrown
 * and asked again next time.
 */
export async function authenticatedLogin(
  client: GithubClient,
  signal: AbortSignal,
): Promise<string | null> {
  const runtime = client.workflowmaster;
  if (runtime.login === undefined) {
    const asked = ask(client, signal);
    runtime.login = asked;
    asked.catch(() => {
      // A failure is the caller's to handle; forget it so the next call asks again.
      if (runtime.login === asked) runtime.login = undefined;
    });
  }
  return runtime.login;
}

async function ask(client: GithubClient, signal: AbortSignal): Promise<string | null> {
  try {
    const { data } = await client.rest.users.getAuthenticated({ request: { signal } });
    return data.login;
  } catch (error) {
    const code = client.workflowmaster.classify(error).code;
    if (code === "WFM-GITHUB-PERMISSION-DENIED" || code === "WFM-GITHUB-NOT-FOUND") return null;
    throw error;
  }
}
