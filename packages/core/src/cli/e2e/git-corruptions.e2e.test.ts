import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  captureRepositoryState,
  conflictingRemoteChange,
  corruptIndex,
  detachedHead,
  emptyLooseObject,
  fsckNoWorse,
  GIT_CORRUPTORS,
  type GitCorruptor,
  garbageHead,
  mergeInProgress,
  missingRemote,
  refToMissingObject,
  remoteMovedOn,
  staleIndexLock,
  truncatedLooseObject,
  unwritableObjects,
} from "@workflowmaster/chaos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";
import { branchOf, inParallel, runArgs } from "./fixtures/kill-and-resume.js";
import { verifyRun } from "./fixtures/verify-run.js";

const sh = promisify(execFile);

/**
 * Every chaos/git corruptor, through the CLI: a run is killed with its work
 * in the tree (after the implement step; after the commit for the damage
 * that only a push meets), the repository is damaged, and `resume` must
 * either recover by itself (exit 0) or pause (exit 3) with the exact code,
 * guidance and the next command — never damaging the repository further
 * and never losing the work. Where the printed command is the fix, it is
 * run as printed and the run then completes.
 */
interface Case {
  corruptor: GitCorruptor;
  /** Where the first process dies: with the work uncommitted, or committed. */
  killAt: "after-implement" | "after-commit";
  /** `undefined`: recovers by itself. */
  code?: string;
  /** The printed command, given the clone and the run's branch. */
  command?: (dir: string, branch: string) => RegExp;
  /** Follow the printed commands (at most two) until the run completes. */
  fix?: boolean;
  /** The refusal came after a fetch (objects added, tracking ref moved). */
  fetched?: boolean;
}

const q = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const CASES: readonly Case[] = [
  { corruptor: staleIndexLock, killAt: "after-implement" },
  {
    corruptor: emptyLooseObject,
    killAt: "after-implement",
    code: "WFM-GIT-REPOSITORY-CORRUPT",
    command: (dir) => new RegExp(`^git -C ${q(dir)} fsck --full$`),
  },
  {
    corruptor: truncatedLooseObject,
    killAt: "after-implement",
    code: "WFM-GIT-REPOSITORY-CORRUPT",
    command: (dir) => new RegExp(`^git -C ${q(dir)} fsck --full$`),
  },
  {
    corruptor: corruptIndex,
    killAt: "after-implement",
    code: "WFM-GIT-INDEX-CORRUPT",
    command: (dir) =>
      new RegExp(
        `^mv ${q(dir)}/\\.git/index ${q(dir)}/\\.git/index\\.corrupt && git -C ${q(dir)} reset --quiet$`,
      ),
    fix: true,
  },
  {
    corruptor: garbageHead,
    killAt: "after-implement",
    code: "WFM-GIT-HEAD-INVALID",
    command: (dir, branch) =>
      new RegExp(`^printf 'ref: refs/heads/%s\\\\n' ${q(branch)} > ${q(dir)}/\\.git/HEAD$`),
    fix: true,
  },
  {
    corruptor: refToMissingObject,
    killAt: "after-implement",
    code: "WFM-GIT-REF-BROKEN",
    command: (dir, branch) =>
      new RegExp(`^git -C ${q(dir)} update-ref refs/heads/${q(branch)} [0-9a-f]{40}$`),
    fix: true,
  },
  {
    corruptor: detachedHead,
    killAt: "after-implement",
    code: "WFM-GIT-NO-BRANCH",
    command: (dir) => new RegExp(`^git -C ${q(dir)} switch -c wfm/rescue-[0-9a-f]{7}$`),
    fix: true,
  },
  {
    corruptor: mergeInProgress,
    killAt: "after-implement",
    code: "WFM-GIT-MERGE-IN-PROGRESS",
    command: (dir) => new RegExp(`^git -C ${q(dir)} merge --abort$`),
    fix: true,
  },
  { corruptor: remoteMovedOn, killAt: "after-commit" },
  {
    corruptor: conflictingRemoteChange,
    killAt: "after-commit",
    code: "WFM-GIT-PUSH-CONFLICT",
    command: (dir, branch) => new RegExp(`^git -C ${q(dir)} pull --rebase origin ${q(branch)}$`),
    fetched: true,
  },
  {
    corruptor: missingRemote,
    killAt: "after-commit",
    code: "WFM-GIT-REMOTE-MISSING",
    command: (dir) => new RegExp(`^git -C ${q(dir)} remote add origin <URL>$`),
  },
  {
    corruptor: unwritableObjects,
    killAt: "after-implement",
    code: "WFM-FS-READ-ONLY|WFM-FS-PERMISSION-DENIED",
    command: (dir) => new RegExp(`^(findmnt -T|ls -ld) ${q(dir)}/\\.git/objects$`),
  },
];

const WORKERS = 3;
let worlds: E2eWorld[] = [];
beforeAll(async () => {
  worlds = await Promise.all(Array.from({ length: WORKERS }, () => createE2eWorld("wfm-corrupt-")));
}, 60_000);
afterAll(async () => {
  await Promise.all(worlds.map((world) => world.close()));
});

/** The lines of an error block the CLI printed. */
function errorBlock(stderr: string) {
  const lines = stderr.split("\n");
  const head = lines.find((line) => line.startsWith("Error "));
  return {
    code: head?.match(/^Error (WFM-[A-Z-]+):/)?.[1],
    guidance: lines
      .find((line) => line.startsWith("  What to do: "))
      ?.slice("  What to do: ".length),
    command: lines.find((line) => line.startsWith("  Next: "))?.slice("  Next: ".length),
  };
}

describe("every chaos/git corruption through the CLI", () => {
  it("covers every corruptor", () => {
    expect(CASES.map((kase) => kase.corruptor.name).sort()).toEqual(
      GIT_CORRUPTORS.map((c) => c.name).sort(),
    );
  });

  it("recovers, or pauses with the exact code, guidance and command — never losing the work or damaging the repository", async () => {
    const results = await inParallel(CASES, worlds, async (world, kase, index) => {
      const runId = `g${index}`;
      const branch = branchOf(runId);
      const dir = await world.clone(runId);
      // A pushed commit of the clone's own, so loose objects reachable from HEAD exist.
      await writeFile(join(dir, `notes-${runId}.txt`), "notes\n");
      await world.git(["add", "--all"], dir);
      await world.git(["commit", "--quiet", "-m", `Notes ${runId}`], dir);
      await world.git(["push", "--quiet", "origin", "main"], dir);

      const point =
        kase.killAt === "after-implement"
          ? "engine.phase.result-recorded@4"
          : "git.commit.created@1";
      const killed = await world.cli(runArgs(runId), {
        cwd: dir,
        env: { WORKFLOWMASTER_FAULT_POINT: point },
      });
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
      const work =
        kase.killAt === "after-implement"
          ? await readFile(join(dir, "change.txt"), "utf8")
          : await world.git(["show", "HEAD:change.txt"], dir);
      expect(work).toBe(`${runId}\n`);

      const corruption = await kase.corruptor.apply(dir);
      try {
        const before = await captureRepositoryState(dir);
        const resumed = await world.cli(["resume", runId], { cwd: dir });
        const after = await captureRepositoryState(dir);
        const transcript = `${killed.stderr}\n--- resume ${resumed.code}\n${resumed.stdout}${resumed.stderr}`;
        if (kase.code === undefined) {
          expect(resumed.code, transcript).toBe(0);
          const evidence = await verifyRun(world, runId, branch);
          const problems =
            kase.corruptor === remoteMovedOn
              ? evidence.problems.filter((problem) => !problem.startsWith("the branch changes"))
              : evidence.problems;
          expect(problems, transcript).toEqual([]);
          return { name: kase.corruptor.name, outcome: "recovered" };
        }

        expect(resumed.code, transcript).toBe(3);
        const error = errorBlock(resumed.stderr);
        expect(error.code ?? "", transcript).toMatch(new RegExp(`^(${kase.code})$`));
        expect(error.guidance?.length ?? 0).toBeGreaterThan(20);
        expect(error.command ?? "", transcript).toMatch(kase.command?.(dir, branch) ?? /^$/);
        // No further damage: fsck no worse; the work byte for byte where it was.
        expect(fsckNoWorse(before.fsck, after.fsck)).toBe(true);
        expect(after.worktree).toEqual(before.worktree);
        if (!kase.fetched) {
          expect(after.objects).toEqual(before.objects);
          expect(after.refs).toEqual(before.refs);
          expect(after.index).toEqual(before.index);
        }
        if (!kase.fix) return { name: kase.corruptor.name, outcome: `paused ${error.code}` };

        // The printed command is the fix: run it as printed, then resume (a second command may follow).
        let next = error.command ?? "";
        let last = resumed;
        for (let step = 0; step < 2 && last.code !== 0; step += 1) {
          await sh("sh", ["-c", next], { cwd: dir, env: { ...process.env, ...world.env } });
          last = await world.cli(["resume", runId], { cwd: dir });
          next = errorBlock(last.stderr).command ?? "";
        }
        expect(last.code, `${transcript}\n--- after the fix\n${last.stdout}${last.stderr}`).toBe(0);
        expect((await verifyRun(world, runId, branch)).problems).toEqual([]);
        return {
          name: kase.corruptor.name,
          outcome: `paused ${error.code}, fixed by its command, completed`,
        };
      } finally {
        await corruption.restore();
      }
    });
    console.log(results.map((result) => `${result.name}: ${result.outcome}`).join("\n"));
    expect(results).toHaveLength(CASES.length);
  }, 180_000);
});
