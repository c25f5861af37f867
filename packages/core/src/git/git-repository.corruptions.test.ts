import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  captureRepositoryState,
  conflictingRemoteChange,
  corruptIndex,
  createVirtualClock as createChaosClock,
  createFaultJournal,
  createTempRepository,
  detachedHead,
  emptyLooseObject,
  fsckNoWorse,
  GIT_CORRUPTORS,
  type GitCorruption,
  type GitCorruptor,
  garbageHead,
  mergeInProgress,
  missingRemote,
  type RepositoryState,
  refToMissingObject,
  remoteMovedOn,
  staleIndexLock,
  type TempRepository,
  truncatedLooseObject,
  unwritableObjects,
} from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorKind } from "../errors/error-kind.js";
import type { WorkflowMasterError } from "../errors/workflow-master-error.js";
import {
  BRANCH,
  openRepository,
  refusalOf,
  runInShell,
  WORK,
  writeWork,
} from "./fixtures/git-fixtures.js";
import type { GitRepository } from "./git-repository.js";
import type { PreflightCheck } from "./preflight-finding.js";

/**
 * Every chaos/git corruptor against the git module, on real repositories:
 * the run's work is in the tree (uncommitted, or committed on the run's
 * branch for the push cases), the repository is damaged, and the engine's
 * next operation must either recover by itself or refuse with the exact
 * code and command — never damage the repository further (fsck no worse,
 * objects, refs and index unchanged when refused) and never lose the work
 * (every changed file byte for byte).
 */

interface Refusal {
  readonly code: string | ((corruption: GitCorruption) => string);
  readonly kind: ErrorKind;
  /** The exact command, given the repository directory and what the corruption reported. */
  readonly command: (dir: string, corruption: GitCorruption) => string;
  /** The preflight check that refuses the same damage, when preflight sees it. */
  readonly preflight?: PreflightCheck;
  /** Whether running `command` (and nothing else) makes the operation succeed. */
  readonly commandRepairs: boolean;
  /**
   * The operation fetched the remote branch before it could refuse (a push
   * whose rebase conflicted): objects were added and the remote-tracking
   * ref moved, as a fetch does; nothing that was there changed.
   */
  readonly fetched?: boolean;
}

interface Case {
  readonly corruptor: GitCorruptor;
  /** "commit": work uncommitted, the engine commits. "push": work committed, the engine pushes. */
  readonly operation: "commit" | "push";
  readonly refusal?: Refusal;
}

const CASES: readonly Case[] = [
  { corruptor: staleIndexLock, operation: "commit" },
  {
    corruptor: emptyLooseObject,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-REPOSITORY-CORRUPT",
      kind: ErrorKind.Environmental,
      command: (dir) => `git -C ${dir} fsck --full`,
      preflight: "objects",
      commandRepairs: false,
    },
  },
  {
    corruptor: truncatedLooseObject,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-REPOSITORY-CORRUPT",
      kind: ErrorKind.Environmental,
      command: (dir) => `git -C ${dir} fsck --full`,
      preflight: "objects",
      commandRepairs: false,
    },
  },
  {
    corruptor: corruptIndex,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-INDEX-CORRUPT",
      kind: ErrorKind.Environmental,
      command: (dir) =>
        `mv ${dir}/.git/index ${dir}/.git/index.corrupt && git -C ${dir} reset --quiet`,
      preflight: "index",
      commandRepairs: true,
    },
  },
  {
    corruptor: garbageHead,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-HEAD-INVALID",
      kind: ErrorKind.Environmental,
      command: (dir) => `printf 'ref: refs/heads/%s\\n' ${BRANCH} > ${dir}/.git/HEAD`,
      preflight: "repository",
      commandRepairs: true,
    },
  },
  {
    corruptor: refToMissingObject,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-REF-BROKEN",
      kind: ErrorKind.Environmental,
      command: (dir, corruption) =>
        `git -C ${dir} update-ref refs/heads/${BRANCH} ${String(corruption.detail.before)}`,
      preflight: "head",
      commandRepairs: true,
    },
  },
  {
    corruptor: detachedHead,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-NO-BRANCH",
      kind: ErrorKind.Permanent,
      command: (dir, corruption) =>
        `git -C ${dir} switch -c wfm/rescue-${String(corruption.detail.sha).slice(0, 7)}`,
      preflight: "head",
      commandRepairs: true,
    },
  },
  {
    corruptor: mergeInProgress,
    operation: "commit",
    refusal: {
      code: "WFM-GIT-MERGE-IN-PROGRESS",
      kind: ErrorKind.Permanent,
      command: (dir) => `git -C ${dir} merge --abort`,
      preflight: "operation",
      commandRepairs: true,
    },
  },
  { corruptor: remoteMovedOn, operation: "push" },
  {
    corruptor: conflictingRemoteChange,
    operation: "push",
    refusal: {
      code: "WFM-GIT-PUSH-CONFLICT",
      kind: ErrorKind.Permanent,
      command: (dir) => `git -C ${dir} pull --rebase origin ${BRANCH}`,
      commandRepairs: false,
      fetched: true,
    },
  },
  {
    corruptor: missingRemote,
    operation: "push",
    refusal: {
      code: "WFM-GIT-REMOTE-MISSING",
      kind: ErrorKind.Permanent,
      command: (dir) => `git -C ${dir} remote add origin <URL>`,
      preflight: "remote",
      commandRepairs: false,
    },
  },
  {
    corruptor: unwritableObjects,
    operation: "commit",
    refusal: {
      // As root here a read-only bind mount (EROFS); where mounting is not allowed, chattr +i (EPERM).
      code: (corruption) =>
        corruption.detail.mechanism === "chattr-immutable"
          ? "WFM-FS-PERMISSION-DENIED"
          : "WFM-FS-READ-ONLY",
      kind: ErrorKind.Environmental,
      command: (dir, corruption) =>
        corruption.detail.mechanism === "chattr-immutable"
          ? `ls -ld ${dir}/.git/objects`
          : `findmnt -T ${dir}/.git/objects`,
      preflight: "objects-writable",
      commandRepairs: false,
    },
  },
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A repository on the run's branch with the work in its tree (committed for the push cases). */
async function repositoryWithWork(
  operation: Case["operation"],
): Promise<{ temp: TempRepository; repo: GitRepository }> {
  const temp = await createTempRepository({ commits: 2 });
  cleanups.push(() => temp.cleanup());
  await temp.git(["switch", "--quiet", "-c", BRANCH]);
  await writeWork(temp);
  const { repo } = openRepository(temp.dir);
  if (operation === "push") await repo.commitAll("Add a greeting");
  return { temp, repo };
}

async function damage(temp: TempRepository, corruptor: GitCorruptor): Promise<GitCorruption> {
  const journal = createFaultJournal(createChaosClock());
  const corruption = await corruptor.apply(temp.dir, { journal });
  cleanups.push(() => corruption.restore());
  expect(journal.fired("git", corruptor.name)).toBe(1);
  expect(corruption.enforced).toBe(true);
  return corruption;
}

function expectWorkIntact(state: RepositoryState): void {
  for (const [path, content] of Object.entries(WORK)) {
    expect(state.worktree[path], `${path} must hold the run's work byte for byte`).toEqual(
      Buffer.from(content),
    );
  }
}

/** Refused: nothing in the repository moved (a fetch only added objects and moved its tracking ref). */
function expectUntouched(damaged: RepositoryState, after: RepositoryState, fetched = false): void {
  expect(fsckNoWorse(damaged.fsck, after.fsck)).toBe(true);
  expect(after.worktree).toEqual(damaged.worktree);
  if (!fetched) {
    expect(after.objects).toEqual(damaged.objects);
    expect(after.refs).toEqual(damaged.refs);
    expect(after.index).toBe(damaged.index);
    return;
  }
  expect(after.objects).toMatchObject(damaged.objects);
  const local = (refs: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(refs).filter(([name]) => !name.startsWith("refs/remotes/")));
  expect(local(after.refs)).toEqual(local(damaged.refs));
}

/** What the index stages, independent of the stat data git rewrites. */
async function staged(temp: TempRepository): Promise<string> {
  return temp.git(["ls-files", "--stage"]);
}

async function operate(repo: GitRepository, operation: Case["operation"]): Promise<unknown> {
  return operation === "commit" ? repo.commitAll("Add a greeting") : repo.push(BRANCH);
}

describe("git corruptions: the git module's answer to each", () => {
  it("covers every chaos/git corruptor", () => {
    expect(CASES.map((entry) => entry.corruptor.name).sort()).toEqual(
      GIT_CORRUPTORS.map((corruptor) => corruptor.name).sort(),
    );
  });

  for (const entry of CASES.filter((candidate) => candidate.refusal !== undefined)) {
    const refusal = entry.refusal as Refusal;
    const code = typeof refusal.code === "string" ? refusal.code : "a filesystem error";
    it(`${entry.corruptor.name}: ${entry.operation} is refused with ${code}, nothing changed, the work intact`, async () => {
      const { temp, repo } = await repositoryWithWork(entry.operation);
      const corruption = await damage(temp, entry.corruptor);
      const damaged = await captureRepositoryState(temp.dir);
      const stagedBefore = refusal.fetched === true ? await staged(temp) : "";
      const expectedCode =
        typeof refusal.code === "string" ? refusal.code : refusal.code(corruption);

      if (refusal.preflight !== undefined) {
        const findings = await repo.preflight();
        const finding = findings.find((candidate) => candidate.check === refusal.preflight);
        expect(finding?.status).toBe("refused");
        const preflightError = finding?.status === "refused" ? finding.error : undefined;
        expect(preflightError?.code).toBe(expectedCode);
        expect(preflightError?.command).toBe(refusal.command(temp.dir, corruption));
        expectUntouched(damaged, await captureRepositoryState(temp.dir));
      }

      const error: WorkflowMasterError = await refusalOf(operate(repo, entry.operation));
      expect(error.code).toBe(expectedCode);
      expect(error.kind).toBe(refusal.kind);
      expect(error.command).toBe(refusal.command(temp.dir, corruption));
      expect(error.guidance).toContain("resume run r1");
      const after = await captureRepositoryState(temp.dir);
      expectUntouched(damaged, after, refusal.fetched);
      if (refusal.fetched === true) expect(await staged(temp)).toBe(stagedBefore);
      expectWorkIntact(after);

      if (refusal.commandRepairs) {
        await runInShell(refusal.command(temp.dir, corruption), temp.dir);
        const repairedBranch =
          entry.corruptor === detachedHead
            ? `wfm/rescue-${String(corruption.detail.sha).slice(0, 7)}`
            : BRANCH;
        const result = await repo.commitAll("Add a greeting");
        expect(result.branch).toBe(repairedBranch);
        for (const [path, content] of Object.entries(WORK)) {
          expect(await temp.git(["show", `HEAD:${path}`])).toBe(content);
        }
        expectWorkIntact(await captureRepositoryState(temp.dir));
      }
    });
  }

  it("stale-index-lock: the commit removes the dead process's lock by itself and commits the work", async () => {
    const { temp, repo } = await repositoryWithWork("commit");
    const corruption = await damage(temp, staleIndexLock);
    const damaged = await captureRepositoryState(temp.dir);
    const result = await repo.commitAll("Add a greeting");
    expect(result.repairs).toHaveLength(1);
    expect(result.repairs[0]).toMatch(
      new RegExp(
        `^removed a stale ${corruption.target.replaceAll(".", "\\.")} \\(3600 s old, \\d+ bytes\\): no git process`,
      ),
    );
    expect([...result.files].sort()).toEqual(Object.keys(WORK).sort());
    for (const [path, content] of Object.entries(WORK))
      expect(await temp.git(["show", `HEAD:${path}`])).toBe(content);
    const after = await captureRepositoryState(temp.dir);
    expect(fsckNoWorse(damaged.fsck, after.fsck)).toBe(true);
    expectWorkIntact(after);
    expect(await temp.git(["status", "--porcelain"])).toBe("");
  });

  it("remote-moved-on: the push fetches, rebases onto the remote and pushes; both changes end up there", async () => {
    const { temp, repo } = await repositoryWithWork("push");
    const corruption = await damage(temp, remoteMovedOn);
    const theirs = String(corruption.detail.pushed);
    const result = await repo.push(BRANCH);
    expect(result).toMatchObject({ outcome: "pushed", rebases: 1, attempts: 2, reconciled: false });
    const remoteTip = (
      await temp.git(["rev-parse", `refs/heads/${BRANCH}`], { cwd: temp.remoteDir })
    ).trim();
    expect(remoteTip).toBe(result.sha);
    expect((await temp.git(["rev-parse", "HEAD"])).trim()).toBe(result.sha);
    expect((await temp.git(["rev-parse", "HEAD~1"])).trim()).toBe(theirs);
    for (const [path, content] of Object.entries(WORK)) {
      expect(await temp.git(["show", `${remoteTip}:${path}`], { cwd: temp.remoteDir })).toBe(
        content,
      );
    }
    expect(await readFile(join(temp.dir, String(corruption.detail.file)), "utf8")).toMatch(
      /pushed by someone else/,
    );
    const after = await captureRepositoryState(temp.dir);
    expect(after.fsck).toEqual({ exitCode: 0, problems: [] });
    expectWorkIntact(after);
  });

  it("conflicting-remote-change: the rebase is aborted, the files listed, HEAD and tree as before", async () => {
    const { temp, repo } = await repositoryWithWork("push");
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    const corruption = await damage(temp, conflictingRemoteChange);
    const error = await refusalOf(repo.push(BRANCH));
    expect(error.code).toBe("WFM-GIT-PUSH-CONFLICT");
    expect(error.message).toBe(
      `${BRANCH} on origin has changes that conflict with this branch in ${String(corruption.detail.file)}; the rebase was aborted and nothing was pushed.`,
    );
    expect(error.guidance).toContain(`in ${String(corruption.detail.file)}.`);
    expect(error.automatic).toContain(`commit ${head} are exactly as before`);
    expect((await temp.git(["rev-parse", "HEAD"])).trim()).toBe(head);
    expect(await temp.git(["status", "--porcelain", "--untracked-files=no"])).toBe("");
    await expect(
      readFile(join(temp.dir, ".git", "rebase-merge", "head-name")),
    ).rejects.toMatchObject({ code: "ENOENT" });
    expect(
      (await temp.git(["rev-parse", `refs/heads/${BRANCH}`], { cwd: temp.remoteDir })).trim(),
    ).toBe(String(corruption.detail.pushed));
  });
});
