import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createTempRepository,
  detachedHead,
  refToMissingObject,
  type TempRepository,
} from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { FaultPoint } from "../ports/fault-points.js";
import {
  BRANCH,
  IDENTITY,
  openRepository,
  recordingFaultPoints,
  refusalOf,
  WORK,
  writeWork,
} from "./fixtures/git-fixtures.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function onBranch(): Promise<TempRepository> {
  const temp = await createTempRepository();
  cleanups.push(() => temp.cleanup());
  await temp.git(["switch", "--quiet", "-c", BRANCH]);
  return temp;
}

describe("commitAll", () => {
  it("commits every change but run state, as the configured identity, and hits git.commit.created", async () => {
    const temp = await onBranch();
    await writeWork(temp);
    await temp.git(["rm", "-q", "README.md"]);
    await temp.write(".workflowmaster/runs/r1/journal.ndjson", "{}\n");
    await temp.write("docs/.workflowmaster/stray.json", "{}\n");
    const faultPoints = recordingFaultPoints();
    const { repo } = openRepository(temp.dir, { faultPoints });
    const result = await repo.commitAll("Add a greeting\n\n<!-- workflowmaster:run=r1 -->");
    expect(result).toEqual({
      sha: (await temp.git(["rev-parse", "HEAD"])).trim(),
      branch: BRANCH,
      files: ["README.md", "feature/new-file.txt", "src/greeting.txt"],
      repairs: [],
    });
    expect(await temp.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>|%B"])).toBe(
      `${IDENTITY.name} <${IDENTITY.email}>|${IDENTITY.name} <${IDENTITY.email}>|Add a greeting\n\n<!-- workflowmaster:run=r1 -->\n\n`,
    );
    for (const [path, content] of Object.entries(WORK))
      expect(await temp.git(["show", `HEAD:${path}`])).toBe(content);
    expect(await temp.git(["ls-files"])).not.toContain(".workflowmaster");
    expect(await readFile(join(temp.dir, ".git", "info", "exclude"), "utf8")).toMatch(
      /^\.workflowmaster\/$/m,
    );
    // Run state anywhere stays out of the commit and, excluded, out of status.
    expect(await temp.git(["status", "--porcelain"])).toBe("");
    expect(faultPoints.hits).toEqual([
      { point: FaultPoint.GitCommitCreated, context: { runId: "r1" } },
    ]);
  });

  it("refuses an empty diff and creates no commit", async () => {
    const temp = await onBranch();
    await temp.write(".workflowmaster/state.json", "{}\n");
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    const { repo } = openRepository(temp.dir);
    const error = await refusalOf(repo.commitAll("nothing"));
    expect(error.code).toBe("WFM-GIT-NOTHING-TO-COMMIT");
    expect(error.command).toBe(`git -C ${temp.dir} status`);
    expect(error.guidance).toContain("resume run r1");
    expect((await temp.git(["rev-parse", "HEAD"])).trim()).toBe(head);
  });

  it("refuses an empty or non-string message as a programming error", async () => {
    const temp = await onBranch();
    await writeWork(temp);
    const { repo } = openRepository(temp.dir);
    await expect(repo.commitAll("   ")).rejects.toThrow(TypeError);
    await expect(repo.commitAll(undefined as unknown as string)).rejects.toThrow(TypeError);
    expect(await temp.git(["status", "--porcelain"])).toBe(" M src/greeting.txt\n?? feature/\n");
  });
});

describe("createBranch", () => {
  it("creates the branch at HEAD, switches to it and carries uncommitted work along", async () => {
    const temp = await createTempRepository();
    cleanups.push(() => temp.cleanup());
    await writeWork(temp);
    const { repo } = openRepository(temp.dir);
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    expect(await repo.createBranch(BRANCH)).toEqual({
      branch: BRANCH,
      sha: head,
      created: true,
      repairs: [],
    });
    expect(await repo.currentBranch()).toBe(BRANCH);
    expect(await readFile(join(temp.dir, "src/greeting.txt"), "utf8")).toBe(
      WORK["src/greeting.txt"],
    );
  });

  it("is idempotent for a resumed run: already on it, or there at the start point", async () => {
    const temp = await createTempRepository();
    cleanups.push(() => temp.cleanup());
    const { repo } = openRepository(temp.dir);
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    await repo.createBranch(BRANCH);
    expect(await repo.createBranch(BRANCH)).toMatchObject({ created: false, sha: head });
    await temp.git(["switch", "-q", "main"]);
    expect(await repo.createBranch(BRANCH)).toMatchObject({ created: false, sha: head });
    expect(await repo.currentBranch()).toBe(BRANCH);
  });

  it("refuses a branch of that name that holds other commits, and leaves it alone", async () => {
    const temp = await createTempRepository({ commits: 2 });
    cleanups.push(() => temp.cleanup());
    await temp.git(["branch", BRANCH, "HEAD~1"]);
    const old = (await temp.git(["rev-parse", BRANCH])).trim();
    const { repo } = openRepository(temp.dir);
    const error = await refusalOf(repo.createBranch(BRANCH));
    expect(error.code).toBe("WFM-GIT-BRANCH-EXISTS");
    expect(error.command).toBe(`git -C ${temp.dir} log --oneline -n 5 ${BRANCH}`);
    expect((await temp.git(["rev-parse", BRANCH])).trim()).toBe(old);
    expect(await repo.currentBranch()).toBe("main");
  });

  it("branches from a detached HEAD, but not from a branch whose commit is missing", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    cleanups.push(() => temp.cleanup());
    const head = (await temp.git(["rev-parse", "HEAD"])).trim();
    await detachedHead.apply(temp.dir);
    const { repo } = openRepository(temp.dir);
    expect(await repo.createBranch(BRANCH)).toMatchObject({ created: true, sha: head });
    const broken = await refToMissingObject.apply(temp.dir);
    const error = await refusalOf(repo.createBranch("wfm/another"));
    expect(error.code).toBe("WFM-GIT-REF-BROKEN");
    expect(error.command).toBe(
      `git -C ${temp.dir} update-ref refs/heads/${BRANCH} ${String(broken.detail.before)}`,
    );
  });

  it("rejects names git does not accept and start points that look like options", async () => {
    const temp = await createTempRepository({ bareRemote: false });
    cleanups.push(() => temp.cleanup());
    const { repo } = openRepository(temp.dir);
    await expect(repo.createBranch("bad name")).rejects.toThrow(/is not a valid branch name/);
    await expect(repo.createBranch("wfm/ok", { startPoint: "--orphan" })).rejects.toThrow(
      TypeError,
    );
  });
});
