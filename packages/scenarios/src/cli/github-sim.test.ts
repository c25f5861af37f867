import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const tsx = require.resolve("tsx");
const main = fileURLToPath(new URL("./main.ts", import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-github-sim-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", tsx, "--conditions=@workflowmaster/source", main, "github-sim", ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

/** The first stdout line, or the failure with stderr when the process ends first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
    });
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const end = out.indexOf("\n");
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.once("exit", (code) =>
      reject(new Error(`github-sim exited with ${code} before printing a line: ${err}`)),
    );
  });
}

const exited = (child: ChildProcess) =>
  new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve([child.exitCode, child.signalCode]);
    else child.once("exit", (code, signal) => resolve([code, signal]));
  });

describe("workflowmaster-chaos github-sim", () => {
  it("prints its URL first, serves the API backed by a real bare repository, and exits 0 on SIGTERM", async () => {
    const bare = join(dir, "remote.git");
    const work = join(dir, "work");
    const git = (cwd: string, ...args: string[]) =>
      execFileSync("git", args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          LC_ALL: "C",
          GIT_AUTHOR_NAME: "T",
          GIT_AUTHOR_EMAIL: "t@example.invalid",
          GIT_COMMITTER_NAME: "T",
          GIT_COMMITTER_EMAIL: "t@example.invalid",
        },
      }).trim();
    git(dir, "init", "--bare", "-b", "main", bare);
    git(dir, "init", "-b", "main", work);
    git(work, "commit", "--allow-empty", "-m", "initial");
    git(work, "push", bare, "main");
    const child = start([
      "--port",
      "0",
      "--repo",
      "octo/app",
      "--repo",
      "octo/other",
      "--git-dir",
      bare,
      "--token",
      "ghp_cli",
      "--seed",
      "3",
    ]);
    try {
      const line = await firstLine(child);
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.slice("listening on ".length);
      const ref = await fetch(`${url}/repos/octo/app/git/ref/heads/main`, {
        headers: { authorization: "Bearer ghp_cli" },
      });
      const body = (await ref.json()) as { object: { sha: string } };
      expect([ref.status, body.object.sha]).toEqual([200, git(work, "rev-parse", "HEAD")]);
      expect((await fetch(`${url}/repos/octo/other`)).status).toBe(200);
      const rejected = await fetch(`${url}/user`, {
        headers: { authorization: "Bearer ghp_other" },
      });
      expect([rejected.status, ((await rejected.json()) as { message: string }).message]).toEqual([
        401,
        "Bad credentials",
      ]);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited(child)).toEqual([0, null]);
  });

  it("exits 2 with the reason when the options are bad", async () => {
    const child = start(["--repo", "not-a-repo"]);
    let err = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
    });
    expect(await exited(child)).toEqual([2, null]);
    expect(err).toBe(
      "Failed to start the GitHub simulator: Invalid createGithubSimulator options: repos[0]: must be OWNER/NAME. Please fix the fields named.\n",
    );
  });
});
