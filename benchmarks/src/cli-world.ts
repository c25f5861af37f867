import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHAOS_GIT_IDENTITY, runGit, startListeningChild } from "@workflowmaster/chaos";

export const CLI_BIN = fileURLToPath(
  new URL("../../packages/core/bin/workflowmaster.js", import.meta.url),
);
const CHAOS_BIN = fileURLToPath(
  new URL("../../packages/scenarios/bin/workflowmaster-chaos.js", import.meta.url),
);

export const OWNER = "acme";
export const NAME = "widgets";

export interface CliWorld {
  /** A clone of the remote's `main`, origin `file://…/acme/widgets.git`. */
  readonly clone: string;
  /** The environment a CLI child needs (GitHub URL and token, git identity, HOME). */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * What a `workflowmaster run` needs, as the CLI's end-to-end tests build it:
 * a bare repository reached as a `file://` remote, the GitHub simulator
 * (`workflowmaster-chaos github-sim`) as a child process over HTTP backed
 * by that bare repository, and a clone to run in. Everything lives in `root`.
 */
export async function createCliWorld(root: string): Promise<CliWorld> {
  const home = join(root, "home");
  const bare = join(root, "served", OWNER, `${NAME}.git`);
  await mkdir(home, { recursive: true });
  await mkdir(join(root, "served", OWNER), { recursive: true });
  const git = async (args: readonly string[], cwd: string) => {
    const result = await runGit(args, { cwd, env: { HOME: home } });
    if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  await git(["init", "--quiet", "--bare", "-b", "main", bare], root);
  const seed = join(root, "seed");
  await git(["init", "--quiet", "-b", "main", seed], root);
  await writeFile(join(seed, "README.md"), "# widgets\n");
  await git(["add", "--all"], seed);
  await git(["commit", "--quiet", "-m", "Initial commit"], seed);
  await git(["push", "--quiet", bare, "main"], seed);
  const clone = join(root, "clone");
  await git(["clone", "--quiet", `file://${bare}`, clone], root);
  const token = `bench-token-${process.pid}`;
  const simulator = await startListeningChild(process.execPath, [
    CHAOS_BIN,
    "github-sim",
    "--port",
    "0",
    "--repo",
    `${OWNER}/${NAME}`,
    "--git-dir",
    bare,
    "--token",
    token,
  ]);
  return {
    clone,
    env: {
      ...CHAOS_GIT_IDENTITY,
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      GITHUB_API_URL: simulator.url,
      GITHUB_TOKEN: token,
      LANG: "C.UTF-8",
    },
    close: () => simulator.stop(),
  };
}
