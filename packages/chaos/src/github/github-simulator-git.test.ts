import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "../clock/virtual-clock.js";
import { createFaultJournal } from "../journal/fault-journal.js";
import { createSeed } from "../seed/create-seed.js";
import { createConformanceRecorder } from "./conformance-recorder.js";
import { createGithubSimulator, type GithubSimulator } from "./github-simulator.js";
import { loadGithubOpenApiValidator } from "./openapi-validator.js";
import { listenHttp } from "./serve/listen-http.js";
import { listenInProcess } from "./serve/listen-in-process.js";

const validator = loadGithubOpenApiValidator();
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const repo = { owner: "octo", repo: "app" };

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      LC_ALL: "C",
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.invalid",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.invalid",
    },
  }).trim();

let dir: string;
let bare: string;
let work: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wfm-github-git-"));
  bare = join(dir, "remote.git");
  work = join(dir, "work");
  git(dir, "init", "--bare", "-b", "main", bare);
  git(dir, "init", "-b", "main", work);
  git(work, "commit", "--allow-empty", "-m", "initial");
  git(work, "push", bare, "main");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(mode: "in-process" | "http", sim: GithubSimulator) {
  const recorder = createConformanceRecorder(sim, validator);
  if (mode === "in-process") {
    const stop = listenInProcess(sim);
    return {
      octokit: new Octokit({ auth: "t", log: quiet, request: { fetch: recorder.fetch } }),
      recorder,
      close: async () => stop(),
    };
  }
  const server = await listenHttp(sim);
  return {
    octokit: new Octokit({
      auth: "t",
      baseUrl: server.url,
      log: quiet,
      request: { fetch: recorder.fetch },
    }),
    recorder,
    close: () => server.close(),
  };
}

describe.each(["in-process", "http"] as const)(
  "a repository backed by a real bare repository, served %s",
  (mode) => {
    it("reads refs and shas from git, writes created refs into git, and tells pull creation the truth", async () => {
      const clock = createVirtualClock();
      const sim = createGithubSimulator({
        clock,
        journal: createFaultJournal(clock),
        random: createSeed(1).stream("github"),
        repos: ["octo/app"],
        gitDir: bare,
      });
      const { octokit, recorder, close } = await serve(mode, sim);
      try {
        const mainSha = git(work, "rev-parse", "HEAD");
        expect((await octokit.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha).toBe(
          mainSha,
        );

        // A branch pushed with real git is what the API sees.
        git(work, "switch", "-c", "wfm/feature");
        git(work, "commit", "--allow-empty", "-m", "feature work");
        git(work, "push", bare, "wfm/feature");
        const featureSha = git(work, "rev-parse", "HEAD");
        const matching = await octokit.git.listMatchingRefs({ ...repo, ref: "heads/wfm" });
        expect(matching.data.map((ref) => [ref.ref, ref.object.sha])).toEqual([
          ["refs/heads/wfm/feature", featureSha],
        ]);

        // A ref created through the API is a real ref.
        await octokit.git.createRef({ ...repo, ref: "refs/heads/wfm/same", sha: mainSha });
        expect(git(bare, "rev-parse", "refs/heads/wfm/same")).toBe(mainSha);

        const noDiff = await octokit.pulls
          .create({ ...repo, title: "nothing", head: "wfm/same", base: "main" })
          .then(
            () => undefined,
            (error: { status: number; response: { data: unknown } }) => [
              error.status,
              error.response.data,
            ],
          );
        expect(noDiff).toEqual([
          422,
          {
            message: "Validation Failed",
            errors: [
              {
                resource: "PullRequest",
                code: "custom",
                message: "No commits between main and wfm/same",
              },
            ],
            documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
            status: "422",
          },
        ]);
        const headMissing = await octokit.pulls
          .create({ ...repo, title: "unpushed", head: "wfm/unpushed", base: "main" })
          .then(
            () => undefined,
            (error: { status: number; response: { data: { errors: unknown } } }) => [
              error.status,
              error.response.data.errors,
            ],
          );
        expect(headMissing).toEqual([
          422,
          [{ resource: "PullRequest", field: "head", code: "invalid" }],
        ]);

        const pull = await octokit.pulls.create({
          ...repo,
          title: "Feature",
          head: "octo:wfm/feature",
          base: "main",
        });
        expect([pull.status, pull.data.head.sha, pull.data.base.sha, pull.data.commits]).toEqual([
          201,
          featureSha,
          mainSha,
          1,
        ]);

        // The pull follows a later push to its branch.
        git(work, "commit", "--allow-empty", "-m", "more work");
        git(work, "push", bare, "wfm/feature");
        const moved = await octokit.pulls.get({ ...repo, pull_number: pull.data.number });
        expect([moved.data.head.sha, moved.data.commits]).toEqual([
          git(work, "rev-parse", "HEAD"),
          2,
        ]);

        // Non-fast-forward updates are refused unless forced; deletes reach git.
        const refused = await octokit.git
          .updateRef({ ...repo, ref: "heads/wfm/feature", sha: mainSha })
          .then(
            () => undefined,
            (error: { status: number; message: string }) => [error.status, error.message],
          );
        expect(refused).toEqual([
          422,
          "Update is not a fast forward - https://docs.github.com/rest/git/refs#update-a-reference",
        ]);
        await octokit.git.updateRef({
          ...repo,
          ref: "heads/wfm/feature",
          sha: mainSha,
          force: true,
        });
        expect(git(bare, "rev-parse", "refs/heads/wfm/feature")).toBe(mainSha);
        await octokit.git.deleteRef({ ...repo, ref: "heads/wfm/same" });
        expect(git(bare, "for-each-ref", "--format=%(refname)")).toBe(
          "refs/heads/main\nrefs/heads/wfm/feature",
        );
        expect(recorder.failures()).toEqual([]);
      } finally {
        await close();
      }
    });

    it("answers 409 Git Repository is empty for a bare repository without commits", async () => {
      const empty = join(dir, "empty.git");
      git(dir, "init", "--bare", "-b", "main", empty);
      const clock = createVirtualClock();
      const sim = createGithubSimulator({
        clock,
        journal: createFaultJournal(clock),
        random: createSeed(1).stream("github"),
        repos: ["octo/app"],
        gitDir: empty,
      });
      const { octokit, recorder, close } = await serve(mode, sim);
      try {
        const error = await octokit.git.getRef({ ...repo, ref: "heads/main" }).then(
          () => undefined,
          (failure: { status: number; message: string }) => [failure.status, failure.message],
        );
        expect(error).toEqual([
          409,
          "Git Repository is empty. - https://docs.github.com/rest/git/refs#get-a-reference",
        ]);
        expect(recorder.failures()).toEqual([]);
      } finally {
        await close();
      }
    });
  },
);
