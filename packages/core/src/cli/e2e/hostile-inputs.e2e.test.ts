import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";
import { APPEND_ONCE, inParallel } from "./fixtures/kill-and-resume.js";

/**
 * Hostile titles and inputs through the real CLI. Text that only looks
 * dangerous is carried as text (issue and pull request titles exactly as
 * given, a safe branch slug); what cannot be used safely is refused with
 * exit 2 and one message. A canary directory outside the test's temp
 * directories, which every payload below targets, must be untouched.
 */
let world: E2eWorld;
let canary: string;
let canaryBefore: string;
let configBefore: string;
let dir: string;

async function fingerprint(path: string): Promise<string> {
  const names = (await readdir(path)).sort();
  const hash = createHash("sha256");
  for (const name of names) hash.update(`${name}\0${await readFile(join(path, name))}\0`);
  return `${names.join(",")}:${hash.digest("hex")}`;
}

beforeAll(async () => {
  world = await createE2eWorld("wfm-hostile-");
  canary = await mkdtemp(join(tmpdir(), "wfm-canary-"));
  await writeFile(join(canary, "precious.txt"), "do not touch\n");
  canaryBefore = await fingerprint(canary);
  dir = await world.clone("hostile");
  configBefore = await readFile(join(dir, ".git", "config"), "utf8");
}, 60_000);
afterAll(async () => {
  await world.close();
  await rm(canary, { recursive: true, force: true });
});

describe("titles that only look dangerous", () => {
  it("are carried as text: exact titles on GitHub, a safe branch, nothing run", async () => {
    const titles = [
      `$(rm -rf ${canary})`,
      `--upload-pack=touch ${canary}/pwned`,
      "../../etc",
      "`touch pwned`; rm -rf ~ #",
    ];
    // Concurrent runs against one simulator and remote: each is told apart by its run id.
    const results = await inParallel(titles, [world, world], async (w, title, index) => {
      const clone = await w.clone(`title-${index}`);
      const run = await w.cli(
        ["run", `--title=${title}`, "--implement", APPEND_ONCE, "--run-id", `h${index}`, "--json"],
        {
          cwd: clone,
        },
      );
      return { title, run };
    });
    const issues = await world.issues();
    for (const { title, run } of results) {
      expect(run.code, run.stderr).toBe(0);
      const status = JSON.parse(run.stdout) as { branch: string; issue: { number: number } };
      expect(issues.find((issue) => issue.number === status.issue.number)?.title).toBe(title);
      expect(status.branch).toMatch(/^wfm\/[a-z0-9][a-z0-9-]*-h\d$/);
      expect(status.branch).not.toContain("..");
      await world.git(["check-ref-format", "--branch", status.branch], world.root);
    }
    expect(results.map(({ run }) => (JSON.parse(run.stdout) as { branch: string }).branch)).toEqual(
      [
        "wfm/rm-rf-tmp-" +
          canary
            .split("/")
            .at(-1)
            ?.toLowerCase()
            .replace(/[^a-z0-9]+/g, "-") +
          "-h0",
        "wfm/upload-pack-touch-tmp-" +
          canary
            .split("/")
            .at(-1)
            ?.toLowerCase()
            .replace(/[^a-z0-9]+/g, "-") +
          "-pwned-h1",
        "wfm/etc-h2",
        "wfm/touch-pwned-rm-rf-h3",
      ],
    );
    expect(await fingerprint(canary)).toBe(canaryBefore);
  }, 90_000);
});

describe("inputs that cannot be used safely", () => {
  const refused: [string, string[], RegExp][] = [
    [
      "a title with an escape sequence",
      ["--title", "red \u001b[31malert\u001b[0m"],
      /^Error WFM-CLI-INPUT-INVALID: --title must not contain control characters \(found U\+001B at position 5\)\.$/,
    ],
    [
      "a title with a newline",
      ["--title", "one\ntwo"],
      /^Error WFM-CLI-INPUT-INVALID: --title must not contain control characters \(found U\+000A at position 4\)\.$/,
    ],
    [
      "a 10 000-character title",
      ["--title", "t".repeat(10_000)],
      /^Error WFM-CLI-INPUT-INVALID: --title must be at most 256 characters \(GitHub's limit\)\.$/,
    ],
    [
      "a run id that climbs",
      ["--title", "ok", "--run-id", "../../etc/passwd"],
      /^Error WFM-RUN-ID-INVALID: Run id "\.\.\/\.\.\/etc\/passwd" is not allowed: it contains "\.\."\.$/,
    ],
    [
      "a run id with a slash",
      ["--title", "ok", "--run-id", "a/b"],
      /^Error WFM-RUN-ID-INVALID: Run id "a\/b" is not allowed: it contains "\/" at position 2\.$/,
    ],
    [
      "a run id like an option",
      ["--title", "ok", "--run-id=-rf"],
      /^Error WFM-RUN-ID-INVALID: Run id "-rf" is not allowed: it starts with "-"; it must start with a letter or digit\.$/,
    ],
    [
      "a base like an option",
      ["--title", "ok", "--base", "--upload-pack=touch /tmp/pwned"],
      /^Error WFM-CLI-INPUT-INVALID: --base must be a branch name/,
    ],
    [
      "a repository that climbs",
      ["--title", "ok", "--github-repo", "../../etc"],
      /^Error WFM-CLI-INPUT-INVALID: --github-repo must be OWNER\/NAME as GitHub spells it/,
    ],
    [
      "a directory that is no repository",
      ["--title", "ok", "--cwd", "/etc"],
      /^Error WFM-GIT-NOT-A-REPOSITORY: \/etc is not inside a git repository\.$/,
    ],
    [
      "a directory that climbs to nowhere",
      ["--title", "ok", "--cwd", "../../etc"],
      /^Error WFM-CLI-INPUT-INVALID: --cwd ".*\/etc" does not exist\.$/,
    ],
  ];

  it.each(refused)(
    "refuses %s with exit 2, one message and nothing created",
    async (_label, args, first) => {
      const issuesBefore = (await world.issues()).length;
      const result = await world.cli(
        ["run", "--implement", `touch ${canary}/pwned-by-implement`, ...args],
        { cwd: dir },
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toMatch(first);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect((await world.issues()).length).toBe(issuesBefore);
      expect(await readdir(dir)).not.toContain(".workflowmaster");
    },
  );

  it("left the canary, the repository's config and refs alone", async () => {
    expect(await fingerprint(canary)).toBe(canaryBefore);
    expect(await readFile(join(dir, ".git", "config"), "utf8")).toBe(configBefore);
    expect(await world.git(["for-each-ref", "--format=%(refname)"], dir)).toBe(
      "refs/heads/main\nrefs/remotes/origin/HEAD\nrefs/remotes/origin/main\n",
    );
  });
});
