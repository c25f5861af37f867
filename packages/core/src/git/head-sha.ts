import type { GitSession } from "./git-session.js";

/** The commit HEAD points to. */
export async function headSha(session: GitSession): Promise<string> {
  return (await session.raw(["rev-parse", "--verify", "HEAD^{commit}"])).trim();
}
