import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWorkflowMasterError, type WorkflowMasterError } from "../errors/index.js";
import { nodeProcessSpawner } from "../ports/index.js";
import { tempDir } from "../testing/index.js";
import { createTokenRedactor } from "./redact-token.js";
import { resolveGithubToken, TokenSource } from "./token.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("wfm-token-"));
});
afterEach(async () => {
  await cleanup();
});

/** A real `gh` on a PATH of its own: a shell script printing `stdout` and exiting `code`. */
async function fakeGh(stdout: string, code = 0): Promise<string> {
  const script = join(dir, "gh");
  await writeFile(script, `#!/bin/sh\nprintf '%s' '${stdout}'\nexit ${code}\n`);
  await chmod(script, 0o755);
  return dir;
}

async function missing(env: Record<string, string | undefined>): Promise<WorkflowMasterError> {
  const error = await resolveGithubToken({ env, spawner: nodeProcessSpawner, cwd: dir }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isWorkflowMasterError(error))
    throw new Error(`expected a WorkflowMasterError, got ${String(error)}`);
  return error;
}

describe("resolveGithubToken order", () => {
  it("takes GITHUB_TOKEN first", async () => {
    const path = await fakeGh("from-gh");
    const resolved = await resolveGithubToken({
      env: { GITHUB_TOKEN: " from-github-token\n", GH_TOKEN: "from-gh-token", PATH: path },
      spawner: nodeProcessSpawner,
      cwd: dir,
    });
    expect(resolved).toEqual({ token: "from-github-token", source: TokenSource.GithubToken });
  });

  it("takes GH_TOKEN when GITHUB_TOKEN is empty", async () => {
    const path = await fakeGh("from-gh");
    const resolved = await resolveGithubToken({
      env: { GITHUB_TOKEN: "  ", GH_TOKEN: "from-gh-token", PATH: path },
      spawner: nodeProcessSpawner,
      cwd: dir,
    });
    expect(resolved).toEqual({ token: "from-gh-token", source: TokenSource.GhToken });
  });

  it("asks a real `gh auth token` when neither variable is set", async () => {
    const path = await fakeGh("gho_from_the_cli\n");
    const resolved = await resolveGithubToken({
      env: { PATH: path },
      spawner: nodeProcessSpawner,
      cwd: dir,
    });
    expect(resolved).toEqual({ token: "gho_from_the_cli", source: TokenSource.GhCli });
  });
});

describe("resolveGithubToken without any token", () => {
  it("treats a missing gh as no token and explains how to create one", async () => {
    const error = await missing({ PATH: dir });
    expect(error.code).toBe("WFM-GITHUB-TOKEN-MISSING");
    expect(error.kind).toBe("permanent");
    expect(error.message).toBe(
      "No GitHub token was found: GITHUB_TOKEN and GH_TOKEN are not set, and the GitHub CLI (gh) is not installed.",
    );
    expect(error.guidance).toBe(
      "No GitHub token was found (the GitHub CLI (gh) is not installed). Log in with the GitHub CLI, or create a fine-grained personal access token (https://github.com/settings/personal-access-tokens/new) for the repository with the permissions Issues: write, Pull requests: write and Contents: write and export it as GITHUB_TOKEN; then run WorkflowMaster again.",
    );
    expect(error.command).toBe("gh auth login");
  });

  it("treats a gh that is not logged in as no token", async () => {
    await fakeGh("", 1);
    const error = await missing({ PATH: dir, GITHUB_TOKEN: "" });
    expect(error.code).toBe("WFM-GITHUB-TOKEN-MISSING");
    expect(error.message).toBe(
      "No GitHub token was found: GITHUB_TOKEN and GH_TOKEN are not set, and `gh auth token` printed no token (gh is not logged in).",
    );
  });

  it("refuses options without a spawner, naming the field", async () => {
    await expect(resolveGithubToken({ env: {}, spawner: undefined as never })).rejects.toThrow(
      "Invalid resolveGithubToken options: `spawner` must be a ProcessSpawner (an object with `run`).",
    );
  });
});

describe("createTokenRedactor", () => {
  it("removes the literal token even when it has no known shape", () => {
    const redact = createTokenRedactor("plain-secret-value");
    expect(redact("sent plain-secret-value twice: plain-secret-value")).toBe(
      "sent [REDACTED] twice: [REDACTED]",
    );
  });

  it("also removes credential shapes that are not the token", () => {
    const redact = createTokenRedactor("plain-secret-value");
    expect(redact("authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe(
      "authorization: [REDACTED]",
    );
  });
});
