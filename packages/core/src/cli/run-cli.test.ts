import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTempRepository, type TempRepository } from "@workflowmaster/chaos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorKind, WorkflowMasterError, wfmError } from "../errors/index.js";
import { tempDir } from "../testing/index.js";
import { memoryIo } from "./fixtures/memory-io.js";
import { exitCodeForError, runCli } from "./run-cli.js";

let repo: TempRepository;
let outside: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  repo = await createTempRepository();
  // origin is a local path here: give a GitHub name explicitly where it matters.
  outside = await tempDir("wfm-cli-outside-");
});

afterAll(async () => {
  await repo.cleanup();
  await outside.cleanup();
});

const TOKEN_ENV = { GITHUB_TOKEN: "t0k3n-for-tests", GITHUB_API_URL: "http://127.0.0.1:9" };

async function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const io = memoryIo({ cwd: options.cwd ?? repo.dir, env: options.env ?? TOKEN_ENV });
  const code = await runCli(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const RUN = [
  "run",
  "--title",
  "Add a greeting",
  "--implement",
  "true",
  "--github-repo",
  "acme/widgets",
];

/** Nothing was created: no run state appeared in the repository. */
async function noState(): Promise<void> {
  expect((await readdir(repo.dir)).includes(".workflowmaster")).toBe(false);
}

describe("bad command lines exit 2 with one message and no stack", () => {
  it.each([
    [["frobnicate"], "Error WFM-CLI-USAGE: Unknown command 'frobnicate'."],
    [
      ["run", "--implement", "true"],
      "Error WFM-CLI-USAGE: Required option '--title <text>' not specified.",
    ],
    [
      ["status", "a", "b"],
      "Error WFM-CLI-USAGE: Too many arguments for 'status'. Expected 1 argument but got 2.",
    ],
    [["resume"], "Error WFM-CLI-USAGE: Missing required argument 'run-id'."],
  ])("%j", async (args, first) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(first);
    expect(result.stderr).toContain("  Next: workflowmaster --help");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("prints help and exits 0", async () => {
    const result = await cli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: workflowmaster [options] [command]");
    expect(result.stdout).not.toContain("chaos-fault-point");
  });
});

describe("bad values exit 2 before anything is created", () => {
  it.each([
    [
      [...RUN, "--run-id", "../../etc/passwd"],
      "WFM-RUN-ID-INVALID",
      'Run id "../../etc/passwd" is not allowed: it contains ".."',
    ],
    [
      [...RUN, "--run-id", "a/b"],
      "WFM-RUN-ID-INVALID",
      'Run id "a/b" is not allowed: it contains "/" at position 2.',
    ],
    [
      ["run", "--title", "a\u001b[31mb", "--implement", "true", "--github-repo", "acme/widgets"],
      "WFM-CLI-INPUT-INVALID",
      "--title must not contain control characters (found U+001B at position 2).",
    ],
    [
      [
        "run",
        "--title",
        "x".repeat(10_000),
        "--implement",
        "true",
        "--github-repo",
        "acme/widgets",
      ],
      "WFM-CLI-INPUT-INVALID",
      "--title must be at most 256 characters (GitHub's limit).",
    ],
    [
      ["run", "--title", "  ", "--implement", "true", "--github-repo", "acme/widgets"],
      "WFM-CLI-INPUT-INVALID",
      "--title must not be empty.",
    ],
    [
      [...RUN, "--base", "--upload-pack=touch /tmp/pwned"],
      "WFM-CLI-INPUT-INVALID",
      "--base must be a branch name",
    ],
    [
      [...RUN, "--base", "main..evil"],
      "WFM-CLI-INPUT-INVALID",
      "--base must be a branch name git accepts",
    ],
    [
      ["run", "--title", "t", "--implement", "true", "--github-repo", "../../etc"],
      "WFM-CLI-INPUT-INVALID",
      "--github-repo must be OWNER/NAME as GitHub spells it",
    ],
    [
      ["run", "--title", "t", "--github-repo", "acme/widgets"],
      "WFM-CLI-INPUT-INVALID",
      "--implement is required",
    ],
    [
      [...RUN, "--implement-timeout", "soon"],
      "WFM-CLI-INPUT-INVALID",
      "--implement-timeout must be a positive duration",
    ],
    [
      [...RUN, "--body", "b", "--body-file", "f"],
      "WFM-CLI-USAGE",
      "--body and --body-file cannot be used together",
    ],
    [
      [...RUN, "--body-file", "/nonexistent/body.md"],
      "WFM-CLI-INPUT-INVALID",
      "--body-file could not be read (ENOENT)",
    ],
  ])("%#: %s", async (args, code, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toContain(`Error ${code}: `);
    expect(result.stderr.split("\n")[0]).toContain(message);
    await noState();
  });

  it("refuses a body with control characters other than tab and line breaks", async () => {
    const path = join(outside.dir, "body.md");
    await writeFile(path, "line one\n\tindented\r\nbell \u0007 here\n");
    const result = await cli([...RUN, "--body-file", path]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "Error WFM-CLI-INPUT-INVALID: --body must not contain control characters other than tab and line breaks (found U+0007 at position 26).",
    );
    await noState();
  });

  it("refuses a bad GITHUB_API_URL", async () => {
    const result = await cli(RUN, {
      env: { GITHUB_TOKEN: "x", GITHUB_API_URL: "ftp://example.com" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "Error WFM-CLI-INPUT-INVALID: GITHUB_API_URL must be an http or https URL, got ftp:.",
    );
  });

  it("says there is no token, and how to get one", async () => {
    const result = await cli(RUN, { env: { PATH: "/nonexistent" } });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "Error WFM-GITHUB-TOKEN-MISSING: No GitHub token was found: GITHUB_TOKEN and GH_TOKEN are not set, and the GitHub CLI (gh) is not installed.",
    );
    expect(result.stderr).toContain("  Next: gh auth login");
    await noState();
  });

  it("refuses to start when implement commands have nested it too deeply", async () => {
    const result = await cli(RUN, { env: { ...TOKEN_ENV, WORKFLOWMASTER_DEPTH: "3" } });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "Error WFM-CLI-NESTED: WorkflowMaster was started 3 levels deep from implement commands; refusing to go deeper.",
    );
  });
});

describe("where there is no repository or no run", () => {
  it("says the directory is not a repository (exit 2)", async () => {
    const result = await cli(["status"], { cwd: outside.dir });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      `Error WFM-GIT-NOT-A-REPOSITORY: ${outside.dir} is not inside a git repository.`,
    );
  });

  it("says --cwd does not exist (exit 2)", async () => {
    const result = await cli(["runs", "--cwd", join(outside.dir, "missing")]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      `Error WFM-CLI-INPUT-INVALID: --cwd ${JSON.stringify(join(outside.dir, "missing"))} does not exist.`,
    );
  });

  it.each([
    ["status", "r404"],
    ["resume", "r404"],
    ["events", "r404"],
    ["rollback", "r404", "--dry-run"],
  ])("%s of an unknown run exits 2 naming it", async (...args) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      `Error WFM-RUN-NOT-FOUND: There is no run r404 under ${join(repo.dir, ".workflowmaster")}.`,
    );
  });

  it("lists no runs, as text and as JSON", async () => {
    await mkdir(join(outside.dir, "empty", ".git"), { recursive: true });
    const text = await cli(["runs"], { cwd: join(outside.dir, "empty") });
    expect(text).toEqual({
      code: 0,
      stdout: `No runs in ${join(outside.dir, "empty", ".workflowmaster")} yet.\n`,
      stderr: "",
    });
    const json = await cli(["runs", "--json"], { cwd: join(outside.dir, "empty") });
    expect(json).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
  });
});

describe("exitCodeForError", () => {
  it.each([
    ["WFM-CLI-USAGE", 2],
    ["WFM-RUN-NOT-FOUND", 2],
    ["WFM-RUN-ID-INVALID", 2],
    ["WFM-GITHUB-TOKEN-MISSING", 2],
    ["WFM-GIT-NOT-A-REPOSITORY", 2],
    ["WFM-CLI-REPO-UNKNOWN", 2],
    ["WFM-INTERRUPTED", 130],
    ["WFM-STATE-CORRUPT", 1],
    ["WFM-RUN-LOCKED", 3],
    ["WFM-INTERNAL", 1],
  ] as const)("%s exits %i", (code, exit) => {
    expect(exitCodeForError(wfmError(code))).toBe(exit);
  });

  it("pauses (3) on an unknown transient error and fails (1) on an unknown permanent one", () => {
    const make = (kind: ErrorKind) =>
      new WorkflowMasterError({ code: "WFM-X-Y", kind, message: "m", guidance: "g" });
    expect(exitCodeForError(make(ErrorKind.Transient))).toBe(3);
    expect(exitCodeForError(make(ErrorKind.Permanent))).toBe(1);
  });
});
