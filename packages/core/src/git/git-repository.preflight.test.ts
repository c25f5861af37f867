import { type ChildProcess, spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTempRepository,
  runGit,
  staleIndexLock,
  startGitDaemon,
  type TempRepository,
} from "@workflowmaster/chaos";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorKind } from "../errors/error-kind.js";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { openRepository } from "./fixtures/git-fixtures.js";
import { PreflightCheck, type PreflightFinding, preflightRefusals } from "./preflight-finding.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempRepository(
  options: Parameters<typeof createTempRepository>[0] = {},
): Promise<TempRepository> {
  const temp = await createTempRepository(options);
  cleanups.push(() => temp.cleanup());
  return temp;
}

function statuses(findings: readonly PreflightFinding[]): Record<string, string> {
  return Object.fromEntries(findings.map((finding) => [finding.check, finding.status]));
}

function refusal(findings: readonly PreflightFinding[], check: PreflightCheck) {
  const finding = findings.find((candidate) => candidate.check === check);
  if (finding?.status !== "refused")
    throw new Error(`expected ${check} to be refused, got ${JSON.stringify(finding)}`);
  return finding.error;
}

const ALL_OK = Object.fromEntries(Object.values(PreflightCheck).map((check) => [check, "ok"]));

describe("preflight on a healthy repository", () => {
  it("passes every check, in order, and changes nothing", async () => {
    const temp = await tempRepository({ commits: 2 });
    const { repo } = openRepository(temp.dir);
    const before = await temp.git(["status", "--porcelain", "--ignored"]);
    const findings = await repo.preflight();
    expect(findings.map((finding) => finding.check)).toEqual(Object.values(PreflightCheck));
    expect(statuses(findings)).toEqual(ALL_OK);
    expect(preflightRefusals(findings)).toEqual([]);
    expect(findings.find((finding) => finding.check === "head")).toEqual({
      check: "head",
      status: "ok",
      detail: `on main at ${(await temp.git(["rev-parse", "HEAD"])).trim()}`,
    });
    expect(await temp.git(["status", "--porcelain", "--ignored"])).toBe(before);
  });

  it("leaves out the remote checks when offline", async () => {
    const temp = await tempRepository({ bareRemote: false });
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight({ offline: true });
    expect(findings.map((finding) => finding.check)).not.toContain("remote");
    expect(preflightRefusals(findings)).toEqual([]);
  });
});

describe("preflight outside a repository", () => {
  it("refuses a plain directory and skips everything else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wfm-not-a-repo-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const { repo } = openRepository(dir);
    const findings = await repo.preflight();
    const error = refusal(findings, "repository");
    expect(error.code).toBe("WFM-GIT-NOT-A-REPOSITORY");
    expect(error.command).toBe(`git -C ${dir} status`);
    expect(findings.slice(1).every((finding) => finding.status === "skipped")).toBe(true);
    expect(findings[1]).toEqual({
      check: "objects",
      status: "skipped",
      detail: "skipped: the repository check refused",
    });
  });

  it("skips the remote's checks, run beside the local ones, after a later structural refusal", async () => {
    const temp = await tempRepository();
    await writeFile(join(temp.dir, ".git", "index"), "not an index");
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    expect(refusal(findings, "index").code).toBe("WFM-GIT-INDEX-CORRUPT");
    const after = findings.slice(findings.findIndex((finding) => finding.check === "index") + 1);
    expect(after.map((finding) => finding.check)).toEqual([
      "refs",
      "objects-writable",
      "clean-tree",
      "remote",
      "remote-reachable",
      "upstream",
      "shallow",
    ]);
    for (const finding of after) {
      expect(finding).toEqual({
        check: finding.check,
        status: "skipped",
        detail: "skipped: the index check refused",
      });
    }
  });

  it("refuses a directory that does not exist", async () => {
    const dir = join(tmpdir(), "wfm-no-such-directory", "x");
    const { repo } = openRepository(dir);
    const error = refusal(await repo.preflight(), "repository");
    expect(error.code).toBe("WFM-GIT-NOT-A-REPOSITORY");
    expect(error.message).toBe(
      `${dir} does not exist or is not a directory, so it cannot be a git repository.`,
    );
  });
});

describe("preflight on the working tree", () => {
  it("refuses uncommitted changes to tracked files, listing them, and ignores untracked files and run state", async () => {
    const temp = await tempRepository();
    await temp.write("README.md", "changed\n");
    await temp.git(["rm", "-q", "src/greeting.txt"]);
    await temp.write("untracked.txt", "new\n");
    await temp.write(".workflowmaster/runs/r1/journal.ndjson", "{}\n");
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    const error = refusal(findings, "clean-tree");
    expect(error.code).toBe("WFM-GIT-DIRTY-TREE");
    expect(error.kind).toBe(ErrorKind.Permanent);
    expect(error.message).toBe(
      `${temp.dir} has uncommitted changes to 2 tracked files: README.md, src/greeting.txt.`,
    );
    expect(error.command).toBe(`git -C ${temp.dir} stash push --include-untracked`);
    expect(preflightRefusals(findings).map((finding) => finding.check)).toEqual(["clean-tree"]);

    await temp.git(["checkout", "HEAD", "--", "README.md", "src/greeting.txt"]);
    expect(preflightRefusals(await repo.preflight())).toEqual([]);
  });
});

describe("preflight on half-done operations", () => {
  async function conflictingBranches(temp: TempRepository): Promise<void> {
    await temp.git(["switch", "-q", "-c", "other"]);
    await temp.write("src/greeting.txt", "other side\n");
    await temp.git(["commit", "-qam", "other side"]);
    await temp.git(["switch", "-q", "main"]);
    await temp.write("src/greeting.txt", "main side\n");
    await temp.git(["commit", "-qam", "main side"]);
  }

  it("refuses a rebase in progress with `git rebase --abort`", async () => {
    const temp = await tempRepository();
    await conflictingBranches(temp);
    expect((await runGit(["rebase", "other"], { cwd: temp.dir })).exitCode).toBe(1);
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "operation");
    expect(error.code).toBe("WFM-GIT-REBASE-IN-PROGRESS");
    expect(error.command).toBe(`git -C ${temp.dir} rebase --abort`);
    expect(error.message).toBe(
      `${temp.dir} is in the middle of a rebase: ${temp.dir}/.git/rebase-merge exists; unmerged: src/greeting.txt.`,
    );
  });

  it("refuses a cherry-pick in progress with `git cherry-pick --abort`", async () => {
    const temp = await tempRepository();
    await conflictingBranches(temp);
    expect((await runGit(["cherry-pick", "other"], { cwd: temp.dir })).exitCode).toBe(1);
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "operation");
    expect(error.code).toBe("WFM-GIT-CHERRY-PICK-IN-PROGRESS");
    expect(error.command).toBe(`git -C ${temp.dir} cherry-pick --abort`);
  });

  it("refuses a revert in progress with `git revert --abort`", async () => {
    const temp = await tempRepository({ commits: 3 });
    await temp.write("CHANGELOG.md", "- rewritten\n");
    await temp.git(["commit", "-qam", "rewrite the changelog"]);
    expect((await runGit(["revert", "--no-edit", "HEAD~1"], { cwd: temp.dir })).exitCode).toBe(1);
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "operation");
    expect(error.code).toBe("WFM-GIT-REVERT-IN-PROGRESS");
    expect(error.command).toBe(`git -C ${temp.dir} revert --abort`);
  });

  it("refuses git am in progress with `git am --abort`", async () => {
    const temp = await tempRepository();
    await conflictingBranches(temp);
    const patch = await temp.git(["format-patch", "-1", "--stdout", "other"]);
    expect((await runGit(["am", "-3"], { cwd: temp.dir, input: patch })).exitCode).not.toBe(0);
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "operation");
    expect(error.code).toBe("WFM-GIT-AM-IN-PROGRESS");
    expect(error.command).toBe(`git -C ${temp.dir} am --abort`);
  });
});

describe("preflight on index.lock", () => {
  it("removes a stale lock left by a dead process and reports it", async () => {
    const temp = await tempRepository();
    const lock = await staleIndexLock.apply(temp.dir);
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    const finding = findings.find((candidate) => candidate.check === "index-lock");
    expect(finding?.status).toBe("repaired");
    expect(finding?.status === "repaired" ? finding.detail : "").toMatch(
      new RegExp(`^removed a stale ${lock.target.replaceAll(".", "\\.")} \\(3600 s old`),
    );
    await expect(access(lock.target)).rejects.toMatchObject({ code: "ENOENT" });
    expect(preflightRefusals(findings)).toEqual([]);
  });

  it("never takes its own remote check, still at work, for the lock's holder", async () => {
    const temp = await tempRepository();
    // The remote answers half a second late, so our ls-remote is a live git process in the tree.
    await temp.git(["config", "remote.origin.uploadpack", "sleep 0.5; git-upload-pack"]);
    const lock = await staleIndexLock.apply(temp.dir);
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    expect(findings.find((candidate) => candidate.check === "index-lock")?.status).toBe("repaired");
    await expect(access(lock.target)).rejects.toMatchObject({ code: "ENOENT" });
    expect(preflightRefusals(findings)).toEqual([]);
  });

  it("waits out a young lock on the injected clock before removing it", async () => {
    const temp = await tempRepository();
    const path = join(temp.dir, ".git", "index.lock");
    await writeFile(path, "");
    const mtime = (await stat(path)).mtimeMs;
    const clock = createVirtualClock(mtime + 1_000);
    const { repo } = openRepository(temp.dir, { clock, staleLockAgeMs: 5_000 });
    const finding = (await repo.preflight()).find((candidate) => candidate.check === "index-lock");
    expect(clock.elapsed).toBe(4_000);
    expect(finding).toMatchObject({ status: "repaired" });
    expect(finding?.status === "repaired" ? finding.detail : "").toContain(
      "unchanged after waiting 4000 ms",
    );
  });

  it("refuses a lock held by a live git process and leaves it alone", async () => {
    const temp = await tempRepository();
    await temp.write("README.md", "being committed\n");
    const holder: ChildProcess = spawn("git", ["commit", "-a"], {
      cwd: temp.dir,
      env: { ...process.env, GIT_EDITOR: "sleep 30; :", LC_ALL: "C" },
      stdio: "ignore",
      detached: true,
    });
    cleanups.push(async () => {
      if (holder.exitCode === null && holder.signalCode === null && holder.pid !== undefined) {
        const exited = new Promise((resolve) => holder.once("exit", resolve));
        process.kill(-holder.pid, "SIGTERM");
        await exited;
      }
    });
    const lock = join(temp.dir, ".git", "index.lock");
    await waitFor(
      async () =>
        (await stat(lock).then(
          () => true,
          () => false,
        )) === true,
    );
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "index-lock");
    expect(error.code).toBe("WFM-GIT-INDEX-LOCK-HELD");
    expect(error.message).toBe(
      `${lock} is held by git process ${holder.pid} (git commit -a), which is still running in ${temp.dir}.`,
    );
    expect(error.command).toBe(`ps -o pid,etime,args -p ${holder.pid}`);
    expect((await stat(lock)).isFile()).toBe(true);
    const commit = await repo.commitAll("must wait").then(
      () => undefined,
      (failure: { code?: string }) => failure.code,
    );
    expect(commit).toBe("WFM-GIT-INDEX-LOCK-HELD");
  });
});

describe("preflight on history and remotes", () => {
  it("refuses a branch that has diverged from its upstream", async () => {
    const temp = await tempRepository();
    await temp.write("local.txt", "local\n");
    await temp.git(["add", "local.txt"]);
    await temp.git(["commit", "-qm", "local"]);
    const other = join(temp.root, "other");
    await temp.git(["clone", "-q", temp.remoteDir ?? "", other], { cwd: temp.root });
    await writeFile(join(other, "remote.txt"), "remote\n");
    await temp.git(["add", "remote.txt"], { cwd: other });
    await temp.git(["commit", "-qm", "remote"], { cwd: other });
    await temp.git(["push", "-q", "origin", "main"], { cwd: other });
    await temp.git(["fetch", "-q"]);
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "upstream");
    expect(error.code).toBe("WFM-GIT-DIVERGED");
    expect(error.message).toBe(
      "main and origin/main have diverged: 1 commits only on main, 1 only on origin/main.",
    );
    expect(error.command).toBe(`git -C ${temp.dir} pull --rebase`);
  });

  it("refuses a shallow clone with the command that deepens it", async () => {
    const temp = await tempRepository({ commits: 3 });
    const shallow = join(temp.root, "shallow");
    await temp.git(["clone", "-q", "--depth", "1", `file://${temp.remoteDir}`, shallow], {
      cwd: temp.root,
    });
    const { repo } = openRepository(shallow);
    const findings = await repo.preflight();
    const error = refusal(findings, "shallow");
    expect(error.code).toBe("WFM-GIT-SHALLOW");
    expect(error.command).toBe(`git -C ${shallow} fetch --unshallow origin`);
    expect(preflightRefusals(findings).map((finding) => finding.check)).toEqual(["shallow"]);
  });

  it("refuses a remote that refuses connections, as transient", async () => {
    const temp = await tempRepository();
    const daemon = await startGitDaemon({ basePath: temp.root });
    await temp.git(["remote", "set-url", "origin", daemon.url("remote.git")]);
    await daemon.stop();
    const { repo } = openRepository(temp.dir);
    const error = refusal(await repo.preflight(), "remote-reachable");
    expect(error.code).toBe("WFM-GIT-REMOTE-UNREACHABLE");
    expect(error.kind).toBe(ErrorKind.Transient);
    expect(error.message).toMatch(/^The remote origin could not be reached: .*Connection refused/);
    expect(error.command).toBe(`git -C ${temp.dir} ls-remote --heads origin`);
  });

  it("gives up on a remote that accepts and never answers, within remoteTimeoutMs", async () => {
    const temp = await tempRepository();
    const sockets: Array<import("node:net").Socket> = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const address = silent.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    await temp.git(["remote", "set-url", "origin", `git://127.0.0.1:${port}/remote.git`]);
    const { repo } = openRepository(temp.dir, { remoteTimeoutMs: 300 });
    const error = refusal(await repo.preflight(), "remote-reachable");
    expect(error.code).toBe("WFM-GIT-REMOTE-UNREACHABLE");
    expect(error.message).toBe(
      "The remote origin did not answer: git ls-remote got no answer within 0.3 s.",
    );
  });

  it("refuses a ref elsewhere that points to a missing object, naming the good commit", async () => {
    const temp = await tempRepository({ commits: 2 });
    await temp.git(["branch", "side"]);
    const good = (await temp.git(["rev-parse", "side"])).trim();
    const missing = "0123456789012345678901234567890123456789";
    await mkdir(join(temp.dir, ".git", "refs", "heads"), { recursive: true });
    await writeFile(join(temp.dir, ".git", "refs", "heads", "side"), `${missing}\n`);
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    const error = refusal(findings, "refs");
    expect(error.code).toBe("WFM-GIT-REF-BROKEN");
    expect(error.command).toBe(`git -C ${temp.dir} update-ref refs/heads/side ${good}`);
    expect(preflightRefusals(findings).map((finding) => finding.check)).toEqual(["refs"]);
  });
});

describe("preflight's upstream comparison", () => {
  async function upstreamFinding(temp: TempRepository): Promise<PreflightFinding | undefined> {
    const { repo } = openRepository(temp.dir);
    return (await repo.preflight()).find((finding) => finding.check === "upstream");
  }

  async function commitLocally(temp: TempRepository, count: number): Promise<void> {
    for (let n = 0; n < count; n += 1) {
      await temp.write(`local-${n}.txt`, `local ${n}\n`);
      await temp.git(["add", `local-${n}.txt`]);
      await temp.git(["commit", "-qm", `local ${n}`]);
    }
  }

  /** Commits pushed to origin's main from another clone, then fetched here. */
  async function commitOnRemote(temp: TempRepository, count: number): Promise<void> {
    const other = join(temp.root, "other");
    await temp.git(["clone", "-q", temp.remoteDir ?? "", other], { cwd: temp.root });
    for (let n = 0; n < count; n += 1) {
      await writeFile(join(other, `remote-${n}.txt`), `remote ${n}\n`);
      await temp.git(["add", `remote-${n}.txt`], { cwd: other });
      await temp.git(["commit", "-qm", `remote ${n}`], { cwd: other });
    }
    await temp.git(["push", "-q", "origin", "main"], { cwd: other });
    await temp.git(["fetch", "-q"]);
  }

  it("reports a branch ahead of its upstream with the count", async () => {
    const temp = await tempRepository();
    await commitLocally(temp, 2);
    expect(await upstreamFinding(temp)).toEqual({
      check: "upstream",
      status: "ok",
      detail: "main is 2 commits ahead of origin/main",
    });
  });

  it("reports a branch behind its upstream with the count", async () => {
    const temp = await tempRepository();
    await commitOnRemote(temp, 3);
    expect(await upstreamFinding(temp)).toEqual({
      check: "upstream",
      status: "ok",
      detail: "main is 3 commits behind origin/main",
    });
  });

  it("refuses a divergence with both counts in the message and the guidance", async () => {
    const temp = await tempRepository();
    await commitLocally(temp, 2);
    await commitOnRemote(temp, 3);
    const finding = await upstreamFinding(temp);
    if (finding?.status !== "refused")
      throw new Error(`expected a refusal, got ${String(finding?.status)}`);
    expect(finding.error.code).toBe("WFM-GIT-DIVERGED");
    expect(finding.error.message).toBe(
      "main and origin/main have diverged: 2 commits only on main, 3 only on origin/main.",
    );
    expect(finding.error.guidance).toBe(
      `main in ${temp.dir} and its upstream origin/main have diverged (2 commits only here, 3 only there). Rebase onto the upstream with the command below (or merge it), then resume run r1.`,
    );
    expect(finding.blocking).toBe(false);
  });

  it("reports a branch with no upstream configured", async () => {
    const temp = await tempRepository();
    await temp.git(["switch", "-q", "-c", "feature"]);
    expect(await upstreamFinding(temp)).toEqual({
      check: "upstream",
      status: "ok",
      detail: "feature has no upstream",
    });
  });

  it("reports a configured upstream whose remote-tracking ref is gone as no upstream", async () => {
    const temp = await tempRepository();
    await temp.git(["update-ref", "-d", "refs/remotes/origin/main"]);
    expect((await temp.git(["config", "branch.main.merge"])).trim()).toBe("refs/heads/main");
    expect(await upstreamFinding(temp)).toEqual({
      check: "upstream",
      status: "ok",
      detail: "main has no upstream",
    });
  });

  it("compares with a local branch set as the upstream", async () => {
    const temp = await tempRepository();
    await temp.git(["branch", "base"]);
    await temp.git(["branch", "-q", "--set-upstream-to", "base"]);
    await commitLocally(temp, 1);
    expect(await upstreamFinding(temp)).toEqual({
      check: "upstream",
      status: "ok",
      detail: "main is 1 commits ahead of base",
    });
  });
});

describe("preflight's head check", () => {
  it("names the branch a chain of symbolic refs ends at, as git symbolic-ref does", async () => {
    const temp = await tempRepository();
    await temp.git(["symbolic-ref", "refs/heads/alias", "refs/heads/main"]);
    await temp.git(["symbolic-ref", "HEAD", "refs/heads/alias"]);
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    expect(findings.find((finding) => finding.check === "head")).toEqual({
      check: "head",
      status: "ok",
      detail: `on main at ${(await temp.git(["rev-parse", "main"])).trim()}`,
    });
    expect(findings.find((finding) => finding.check === "upstream")).toEqual({
      check: "upstream",
      status: "ok",
      detail: "main is level with origin/main",
    });
  });

  it("accepts a branch with no commits yet, whose upstream, even when configured, has nothing to diverge from", async () => {
    const temp = await tempRepository();
    await temp.git(["switch", "-q", "--orphan", "fresh"]);
    await temp.git(["config", "branch.fresh.remote", "origin"]);
    await temp.git(["config", "branch.fresh.merge", "refs/heads/main"]);
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    expect(findings.find((finding) => finding.check === "head")).toEqual({
      check: "head",
      status: "ok",
      detail: "on fresh, which has no commits yet",
    });
    expect(findings.find((finding) => finding.check === "upstream")).toEqual({
      check: "upstream",
      status: "ok",
      detail: "fresh has no commits yet, so it has not diverged from an upstream",
    });
    expect(preflightRefusals(findings)).toEqual([]);
  });

  it("refuses a detached HEAD with the branch that would rescue it", async () => {
    const temp = await tempRepository();
    await temp.git(["switch", "-q", "--detach"]);
    const sha = (await temp.git(["rev-parse", "HEAD"])).trim();
    const { repo } = openRepository(temp.dir);
    const findings = await repo.preflight();
    const error = refusal(findings, "head");
    expect(error.code).toBe("WFM-GIT-NO-BRANCH");
    expect(error.message).toBe(
      `${temp.dir} has a detached HEAD at ${sha}: no branch is checked out.`,
    );
    expect(error.command).toBe(`git -C ${temp.dir} switch -c wfm/rescue-${sha.slice(0, 7)}`);
    expect(preflightRefusals(findings).map((finding) => finding.check)).toEqual(["head"]);
    expect(findings.find((finding) => finding.check === "upstream")).toEqual({
      check: "upstream",
      status: "ok",
      detail: "no branch is checked out, so no upstream to compare",
    });
  });
});

describe("preflight's git processes", () => {
  it("runs seven git commands on a healthy repository, the layout and HEAD asked in one", async () => {
    const { repo, log } = await behindGitShim(await tempRepository(), (realGit, log) => [
      `printf '%s\\n' "$1" >> '${log}'`,
      `exec '${realGit}' "$@"`,
    ]);
    const findings = await repo.preflight();
    expect(statuses(findings)).toEqual(ALL_OK);
    // The checks after index-lock run at once, so only the set is fixed.
    expect((await readFile(log, "utf8")).trim().split("\n").sort()).toEqual([
      "for-each-ref",
      "for-each-ref",
      "ls-files",
      "ls-remote",
      "remote",
      "rev-parse",
      "status",
    ]);
  });

  it("checks the tree while the remote is still answering, and reports in the usual order", async () => {
    // ls-remote answers half a second late, as a distant remote would.
    const { repo, log } = await behindGitShim(await tempRepository(), (realGit, log) => [
      `if [ "$1" = ls-remote ]; then`,
      `  printf 'ls-remote asked\\n' >> '${log}'`,
      "  sleep 0.5",
      `  '${realGit}' "$@"; code=$?`,
      `  printf 'ls-remote answered\\n' >> '${log}'`,
      "  exit $code",
      "fi",
      `printf '%s\\n' "$1" >> '${log}'`,
      `exec '${realGit}' "$@"`,
    ]);
    const findings = await repo.preflight();
    expect(findings.map((finding) => finding.check)).toEqual(Object.values(PreflightCheck));
    expect(statuses(findings)).toEqual(ALL_OK);
    const lines = (await readFile(log, "utf8")).trim().split("\n");
    const asked = lines.indexOf("ls-remote asked");
    const answered = lines.indexOf("ls-remote answered");
    expect(asked).toBeGreaterThan(-1);
    expect(lines.indexOf("status")).toBeLessThan(answered);
    expect(answered).toBe(lines.length - 1);
  });

  it("runs the local checks after index-lock at once, and reports them in the usual order", async () => {
    // status takes half a second; the other local checks start meanwhile.
    const { repo, log } = await behindGitShim(await tempRepository(), (realGit, log) => [
      `printf '%s\\n' "$1" >> '${log}'`,
      `if [ "$1" = status ]; then`,
      "  sleep 0.5",
      `  '${realGit}' "$@"; code=$?`,
      `  printf 'status answered\\n' >> '${log}'`,
      "  exit $code",
      "fi",
      `exec '${realGit}' "$@"`,
    ]);
    const findings = await repo.preflight({ offline: true });
    expect(findings.map((finding) => finding.check)).toEqual(
      Object.values(PreflightCheck).filter(
        (check) => check !== "remote" && check !== "remote-reachable",
      ),
    );
    expect(statuses(findings)).toEqual(
      Object.fromEntries(Object.entries(ALL_OK).filter(([check]) => !check.startsWith("remote"))),
    );
    const lines = (await readFile(log, "utf8")).trim().split("\n");
    // The opening (one rev-parse) first; then ls-files, both for-each-refs
    // and status in any order, all started before status answers (one after
    // another, upstream's for-each-ref would wait for it).
    expect(lines[0]).toBe("rev-parse");
    expect(lines.slice(1, 5).sort()).toEqual([
      "for-each-ref",
      "for-each-ref",
      "ls-files",
      "status",
    ]);
    expect(lines.slice(5)).toEqual(["status answered"]);
  });
});

/**
 * The repository opened with a `git` shell script first on PATH: `body`
 * (given the real git and a log file to append to) runs for every git
 * process preflight starts.
 */
async function behindGitShim(
  temp: TempRepository,
  body: (realGit: string, log: string) => string[],
): Promise<{ repo: ReturnType<typeof openRepository>["repo"]; log: string }> {
  const realGit = (await runGitPath()).trim();
  const shims = join(temp.root, "shims");
  const log = join(temp.root, "git.log");
  await mkdir(shims);
  await writeFile(join(shims, "git"), ["#!/bin/sh", ...body(realGit, log), ""].join("\n"), {
    mode: 0o755,
  });
  const { repo } = openRepository(temp.dir, {
    env: { PATH: `${shims}:${process.env.PATH ?? ""}` },
  });
  return { repo, log };
}

/** Where the git the tests run is installed. */
async function runGitPath(): Promise<string> {
  const { stdout } = await runGit(["--exec-path"], { cwd: tmpdir() });
  return join(stdout.trim(), "git");
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 500; tries += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the condition never became true within 5 s");
}
