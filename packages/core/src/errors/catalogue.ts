import { ErrorKind } from "./error-kind.js";
import { WorkflowMasterError } from "./workflow-master-error.js";

/**
 * Every code the engine can emit, in one table that `classify`, the engine,
 * `explain`, the docs and the tests all read, so they cannot drift.
 *
 * `guidance` and `command` may hold `{placeholders}` filled from the error's
 * context (`{runId}`, `{path}`, `{branch}` …); a placeholder with no value is
 * shown as `<RUN_ID>`-style so the command is still copyable and obvious.
 */
export interface CatalogueEntry {
  readonly code: `WFM-${string}`;
  readonly kind: ErrorKind;
  /** A short title ("Run is locked by another process"). */
  readonly title: string;
  /** What the engine already does about it by itself. */
  readonly automatic: string;
  /** What the person should do, as a sentence. */
  readonly guidance: string;
  /** The exact next command, when there is one. */
  readonly command?: string;
  /**
   * For a permanent error: a person can fix the cause (new token, resolve a
   * conflict) and resume, so the run pauses instead of failing. Transient,
   * partial and environmental errors always pause once retries are spent.
   */
  readonly pausable?: boolean;
}

const entries = [
  // ── run store and lock ────────────────────────────────────────────────
  {
    code: "WFM-RUN-LOCKED",
    kind: ErrorKind.Environmental,
    title: "Run is locked by another process",
    automatic:
      "Checked whether the holder is alive; a lock left by a dead process is taken over automatically.",
    guidance:
      "Run {runId} is held by {holder}. Wait for that process to finish, or stop it, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RUN-FENCED",
    kind: ErrorKind.Permanent,
    title: "Another process took over this run",
    automatic:
      "Stopped writing: this process's fencing token is older than the lock's, so its writes were refused.",
    guidance:
      "Run {runId} was taken over by a newer process while this one was paused. Check its status; do not resume from this process.",
    command: "workflowmaster status {runId}",
  },
  {
    code: "WFM-RUN-NOT-FOUND",
    kind: ErrorKind.Permanent,
    title: "No such run",
    automatic: "Nothing; no state was read or written.",
    guidance: "There is no run {runId} under {path}. List the runs this repository has.",
    command: "workflowmaster runs",
  },
  {
    code: "WFM-RUN-EXISTS",
    kind: ErrorKind.Permanent,
    title: "A run with this id already exists",
    automatic: "Nothing; the existing run was left untouched.",
    guidance: "Run {runId} already exists. Resume it, or choose another --run-id.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RUN-ID-INVALID",
    kind: ErrorKind.Permanent,
    title: "Run id is not allowed",
    automatic: "Nothing; no path was built from it and no state was read or written.",
    guidance:
      "Run id {runId} is not allowed: {detail}. Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
    command: "workflowmaster runs",
  },
  {
    code: "WFM-RUN-TERMINAL",
    kind: ErrorKind.Permanent,
    title: "Run already finished",
    automatic: "Nothing; terminal states are final and were not changed.",
    guidance:
      "Run {runId} already ended `{state}`; a finished run cannot be resumed. Start a new run.",
    command: "workflowmaster status {runId}",
  },
  {
    code: "WFM-STATE-CORRUPT",
    kind: ErrorKind.Environmental,
    title: "Run state is damaged beyond automatic recovery",
    automatic:
      "Dropped a torn journal tail and tried every snapshot, newest first; none gave a valid state.",
    guidance:
      "The state of run {runId} under {path} is damaged ({detail}). Keep the directory for diagnosis, check the disk, and start a new run; `doctor` shows what git and GitHub hold.",
    command: "workflowmaster doctor",
  },
  {
    code: "WFM-STATE-SCHEMA-UNKNOWN",
    kind: ErrorKind.Permanent,
    title: "Run state written by another version",
    automatic: "Refused to read or change it, so nothing is lost.",
    guidance:
      "{path} has schemaVersion {detail}, which this version of WorkflowMaster does not know. Use the version that wrote it.",
    command: "workflowmaster --version",
  },
  // ── engine ────────────────────────────────────────────────────────────
  {
    code: "WFM-PHASE-TIMEOUT",
    kind: ErrorKind.Transient,
    title: "Phase exceeded its time limit",
    automatic: "Aborted the attempt and retried within the retry policy.",
    guidance:
      "Phase `{phase}` of run {runId} did not finish within its timeout. Resume to try again, or raise the timeout.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-PHASE-INACTIVE",
    kind: ErrorKind.Transient,
    title: "Phase made no progress",
    automatic: "The inactivity watchdog aborted the attempt and retried within the retry policy.",
    guidance:
      "Phase `{phase}` of run {runId} produced no output or progress for too long. Check what it was waiting on, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-PHASE-POSTCONDITION",
    kind: ErrorKind.Partial,
    title: "Phase ran but its effect was not observed",
    automatic:
      "Did not mark the phase done; on resume the effect is looked up again before anything is redone.",
    guidance:
      "Phase `{phase}` of run {runId} reported success, but {detail}. Resume to reconcile and retry.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-PHASE-PRECONDITION",
    kind: ErrorKind.Permanent,
    title: "Phase cannot start",
    automatic: "Did not start the phase; nothing was changed.",
    guidance: "Phase `{phase}` of run {runId} cannot start: {detail}. Fix that, then resume.",
    command: "workflowmaster resume {runId}",
    // "Fix that, then resume": the run must pause, not fail, or resume is refused.
    pausable: true,
  },
  {
    code: "WFM-RETRY-EXHAUSTED",
    kind: ErrorKind.Transient,
    title: "Retries exhausted",
    automatic:
      "Retried with exponential backoff and jitter until the attempts or deadline ran out.",
    guidance:
      "Phase `{phase}` of run {runId} kept failing ({detail}). The run is saved; resume when the cause has cleared.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-RETRY-BUDGET-EXHAUSTED",
    kind: ErrorKind.Transient,
    title: "Retry budget spent: the service looks down",
    automatic:
      "Stopped retrying {target} so an outage does not become a retry storm, and saved the run.",
    guidance:
      "Too many calls to {target} failed in a short time. Check the service's status, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-ROLLBACK-INCOMPLETE",
    kind: ErrorKind.Partial,
    title: "Rollback could not undo everything",
    automatic:
      "Ran every compensation newest first, recorded each outcome, and kept going past failures.",
    guidance:
      "Rollback of run {runId} left {detail}. Remove those by hand, then run rollback again to confirm.",
    command: "workflowmaster rollback {runId} --dry-run",
  },
  {
    code: "WFM-INTERRUPTED",
    kind: ErrorKind.Transient,
    title: "Run interrupted",
    automatic: "Stopped at a safe point; everything acknowledged so far is in the journal.",
    guidance: "Run {runId} was interrupted. Resume it to continue where it stopped.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-INTERNAL",
    kind: ErrorKind.Permanent,
    title: "Bug in WorkflowMaster",
    automatic:
      "Did not retry: a programming error is not made better by retrying. The run is saved.",
    guidance:
      "An unexpected {detail} stopped run {runId}. Please report it with the run's events file attached.",
    command: "workflowmaster events {runId}",
  },
  {
    code: "WFM-PHASE-UNRECONCILABLE",
    kind: ErrorKind.Permanent,
    title: "Phase may have applied its effect and cannot look it up",
    automatic:
      "Did not redo the phase: it stopped after recording its intent, and without a lookup a redo could apply the effect twice.",
    guidance:
      "Phase `{phase}` of run {runId} may or may not have applied its effect (idempotency key {key}), and it has no reconcile step to check. Check by hand whether the effect exists, then roll the run back and start a new one.",
    command: "workflowmaster rollback {runId} --dry-run",
    pausable: true,
  },
  {
    code: "WFM-RUN-NOT-STARTED",
    kind: ErrorKind.Permanent,
    title: "Run was created but never started",
    automatic:
      "Nothing; the run stopped before its first record was saved, so there is nothing to resume.",
    guidance:
      "Run {runId} stopped before it recorded its start. Start it again with the same id; the empty run is adopted.",
    command: "workflowmaster run --run-id {runId}",
  },
  {
    code: "WFM-RUN-ROLLING-BACK",
    kind: ErrorKind.Permanent,
    title: "Run is being rolled back",
    automatic: "Nothing; a run that began rolling back is never resumed forwards.",
    guidance: "Run {runId} stopped while rolling back. Run the rollback again to finish it.",
    command: "workflowmaster rollback {runId}",
  },
  {
    code: "WFM-RUN-WORKFLOW-MISMATCH",
    kind: ErrorKind.Permanent,
    title: "Run belongs to a different workflow",
    automatic: "Refused to continue: the journal's phases would not line up with this workflow's.",
    guidance:
      "Run {runId} was started with {detail}. Resume it with the same workflow and version that started it.",
    command: "workflowmaster status {runId}",
  },
  // ── resources ─────────────────────────────────────────────────────────
  {
    code: "WFM-DISK-LOW",
    kind: ErrorKind.Environmental,
    title: "Not enough free disk space",
    automatic: "Pruned old snapshots, checked again, and paused the run before writing.",
    guidance: "Only {detail} free on the filesystem holding {path}. Free some space, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-MEMORY-LOW",
    kind: ErrorKind.Environmental,
    title: "Not enough free memory",
    automatic: "Paused the run before starting the phase.",
    guidance: "Only {detail} of memory is free. Close other programs, then resume.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-FD-LOW",
    kind: ErrorKind.Environmental,
    title: "Too few file descriptors left",
    automatic: "Paused the run before starting the phase.",
    guidance: "Only {detail} file descriptors are left (ulimit -n). Raise the limit, then resume.",
    command: "workflowmaster resume {runId}",
  },
  // ── GitHub adapter (core/github) ─────────────────────────────────────
  {
    code: "WFM-GITHUB-TOKEN-MISSING",
    kind: ErrorKind.Permanent,
    title: "No GitHub token",
    automatic:
      "Looked for GITHUB_TOKEN, then GH_TOKEN, then `gh auth token`; sent nothing to GitHub.",
    guidance:
      "No GitHub token was found ({detail}). Log in with the GitHub CLI, or create a fine-grained personal access token (https://github.com/settings/personal-access-tokens/new) for the repository with the permissions Issues: write, Pull requests: write and Contents: write and export it as GITHUB_TOKEN; then run WorkflowMaster again.",
    command: "gh auth login",
    pausable: true,
  },
  // ── git preflight (core/git) ──────────────────────────────────────────
  {
    code: "WFM-GIT-MERGE-IN-PROGRESS",
    kind: ErrorKind.Permanent,
    title: "A merge is in progress",
    automatic:
      "Stopped before touching the repository: committing now would conclude someone's unfinished merge.",
    guidance:
      "{cwd} is in the middle of a merge ({detail}). Finish it (resolve the files, `git add` them, `git commit`) or abort it with the command below, which throws the merge's changes away, then resume run {runId}.",
    command: "git -C {cwd} merge --abort",
    pausable: true,
  },
  {
    code: "WFM-GIT-REBASE-IN-PROGRESS",
    kind: ErrorKind.Permanent,
    title: "A rebase is in progress",
    automatic: "Stopped before touching the repository; the rebase was left as it is.",
    guidance:
      "{cwd} is in the middle of a rebase ({detail}). Finish it (`git rebase --continue` once the files are resolved) or abort it with the command below, then resume run {runId}.",
    command: "git -C {cwd} rebase --abort",
    pausable: true,
  },
  {
    code: "WFM-GIT-AM-IN-PROGRESS",
    kind: ErrorKind.Permanent,
    title: "Applying patches (git am) is in progress",
    automatic: "Stopped before touching the repository; the patch series was left as it is.",
    guidance:
      "{cwd} is in the middle of `git am` ({detail}). Finish it (`git am --continue`) or abort it with the command below, then resume run {runId}.",
    command: "git -C {cwd} am --abort",
    pausable: true,
  },
  {
    code: "WFM-GIT-CHERRY-PICK-IN-PROGRESS",
    kind: ErrorKind.Permanent,
    title: "A cherry-pick is in progress",
    automatic: "Stopped before touching the repository; the cherry-pick was left as it is.",
    guidance:
      "{cwd} is in the middle of a cherry-pick ({detail}). Finish it (`git cherry-pick --continue`) or abort it with the command below, then resume run {runId}.",
    command: "git -C {cwd} cherry-pick --abort",
    pausable: true,
  },
  {
    code: "WFM-GIT-REVERT-IN-PROGRESS",
    kind: ErrorKind.Permanent,
    title: "A revert is in progress",
    automatic: "Stopped before touching the repository; the revert was left as it is.",
    guidance:
      "{cwd} is in the middle of a revert ({detail}). Finish it (`git revert --continue`) or abort it with the command below, then resume run {runId}.",
    command: "git -C {cwd} revert --abort",
    pausable: true,
  },
  {
    code: "WFM-GIT-NO-BRANCH",
    kind: ErrorKind.Permanent,
    title: "No branch is checked out (detached HEAD)",
    automatic:
      "Stopped before committing: a commit on a detached HEAD belongs to no branch and is easily lost.",
    guidance:
      "{cwd} has a detached HEAD at {sha}. To keep any commits made there, create a branch at it with the command below (or switch back to your branch with `git switch <branch>` if there is nothing to keep), then resume run {runId}.",
    command: "git -C {cwd} switch -c {branch}",
    pausable: true,
  },
  {
    code: "WFM-GIT-WRONG-BRANCH",
    kind: ErrorKind.Permanent,
    title: "Another branch is checked out",
    automatic: "Did not push: HEAD is not the run's branch, so it would push the wrong commits.",
    guidance:
      "{cwd} has {detail} checked out, not the run's branch {branch}. Switch back to it (your uncommitted changes come along), then resume run {runId}.",
    command: "git -C {cwd} switch {branch}",
    pausable: true,
  },
  {
    code: "WFM-GIT-BRANCH-EXISTS",
    kind: ErrorKind.Permanent,
    title: "The branch already exists",
    automatic: "Did not create, reset or switch to it: it holds commits this run did not make.",
    guidance:
      "A branch {branch} already exists in {cwd} at {sha}, which is not where this run starts ({detail}). Look at it; rename it (`git branch -m`) or delete it if it is unused, or start the run with another title, then resume run {runId}.",
    command: "git -C {cwd} log --oneline -n 5 {branch}",
    pausable: true,
  },
  {
    code: "WFM-GIT-INDEX-LOCK-HELD",
    kind: ErrorKind.Environmental,
    title: "Another git process is working in the repository",
    automatic:
      "Left {path} alone: process {pid} ({holder}) is a live git process in this repository and holds it.",
    guidance:
      "git process {pid} ({holder}) is working in {cwd} and holds {path}. Let it finish (or stop it if it hangs), then resume run {runId}. Do not delete the lock while it runs.",
    command: "ps -o pid,etime,args -p {pid}",
  },
  {
    code: "WFM-GIT-INDEX-CORRUPT",
    kind: ErrorKind.Environmental,
    title: "The git index is damaged",
    automatic:
      "Stopped before changing anything; the working tree, the commits and the damaged index are as they were.",
    guidance:
      "git cannot read the index {path} ({detail}). The index only records what is staged: move it aside and rebuild it from HEAD with the command below (your files are not touched; staged changes become unstaged), then resume run {runId}.",
    command: "mv {path} {path}.corrupt && git -C {cwd} reset --quiet",
  },
  {
    code: "WFM-GIT-HEAD-INVALID",
    kind: ErrorKind.Environmental,
    title: "HEAD is damaged",
    automatic: "Stopped before changing anything; git does not recognise the repository.",
    guidance:
      "{path} holds {detail} instead of a branch or commit, so git does not see {cwd} as a repository. Point HEAD back at your branch ({branch} looks like the one that was checked out) with the command below, check with `git status`, then resume run {runId}.",
    command: "printf 'ref: refs/heads/%s\\n' {branch} > {path}",
  },
  {
    code: "WFM-GIT-REF-BROKEN",
    kind: ErrorKind.Environmental,
    title: "A ref points to a missing object",
    automatic: "Stopped before changing anything in the repository.",
    guidance:
      "{ref} in {cwd} points to {sha}, which is not in the repository ({detail}). Point it back at its last good commit from the reflog ({good}; `git reflog {ref}` lists the others) with the command below, then resume run {runId}.",
    command: "git -C {cwd} update-ref {ref} {good}",
  },
  {
    code: "WFM-GIT-DIRTY-TREE",
    kind: ErrorKind.Permanent,
    title: "The working tree has uncommitted changes",
    automatic:
      "Stopped before starting: the run's commit would mix them with its own work. Nothing was changed.",
    guidance:
      "{cwd} has uncommitted changes to tracked files ({files}). Commit them, or stash them with the command below (`git stash pop` brings them back), then resume run {runId}.",
    command: "git -C {cwd} stash push --include-untracked",
    pausable: true,
  },
  {
    code: "WFM-GIT-DIVERGED",
    kind: ErrorKind.Permanent,
    title: "The branch and its upstream have diverged",
    automatic: "Stopped before starting; nothing was fetched, rebased or pushed.",
    guidance:
      "{branch} in {cwd} and its upstream {upstream} have diverged ({ahead} commits only here, {behind} only there). Rebase onto the upstream with the command below (or merge it), then resume run {runId}.",
    command: "git -C {cwd} pull --rebase",
    pausable: true,
  },
  {
    code: "WFM-GIT-REMOTE-MISSING",
    kind: ErrorKind.Permanent,
    title: "The git remote does not exist",
    automatic: "Nothing was pushed or fetched.",
    guidance:
      "{cwd} has no remote named {remote}. Add it with the repository's URL (the command below), then resume run {runId}.",
    command: "git -C {cwd} remote add {remote} {url}",
    pausable: true,
  },
  {
    code: "WFM-GIT-REMOTE-UNREACHABLE",
    kind: ErrorKind.Transient,
    title: "The git remote cannot be reached",
    automatic:
      "Tried `git ls-remote` with a time limit; retries with backoff within the retry budget.",
    guidance:
      "The remote {remote} of {cwd} did not answer ({detail}). Check the network and the remote's URL (the command below shows whether git can reach it), then resume run {runId}.",
    command: "git -C {cwd} ls-remote --heads {remote}",
  },
  {
    code: "WFM-GIT-SHALLOW",
    kind: ErrorKind.Permanent,
    title: "The clone is shallow",
    automatic:
      "Stopped before starting: rebasing and pushing from a shallow clone can fail midway.",
    guidance:
      "{cwd} is a shallow clone (its history is cut short). Fetch the whole history with the command below, then resume run {runId}.",
    command: "git -C {cwd} fetch --unshallow {remote}",
    pausable: true,
  },
  {
    code: "WFM-GIT-NOTHING-TO-COMMIT",
    kind: ErrorKind.Permanent,
    title: "There is nothing to commit",
    automatic: "Did not create an empty commit.",
    guidance:
      "The working tree of {cwd} has no changes to commit (outside .workflowmaster/). Make the change (or check that the implement step really wrote its files here), then resume run {runId}.",
    command: "git -C {cwd} status",
    pausable: true,
  },
  {
    code: "WFM-GIT-PUSH-CONFLICT",
    kind: ErrorKind.Permanent,
    title: "The remote branch has conflicting changes",
    automatic:
      "Fetched the remote branch, rebased onto it, met conflicts and aborted the rebase: the working tree and commit {sha} are exactly as before. Nothing was pushed.",
    guidance:
      "{branch} on {remote} has commits that change the same lines as this run, in {files}. Rebase by hand with the command below, resolve those files, `git add` them and `git rebase --continue`, then resume run {runId}.",
    command: "git -C {cwd} pull --rebase {remote} {branch}",
    pausable: true,
  },
  // ── workflow and CLI (workflows/dev, cli) ────────────────────────────
  {
    code: "WFM-IMPLEMENT-FAILED",
    kind: ErrorKind.Permanent,
    title: "The implement command failed",
    automatic:
      "Did not retry: a failing command is not known to be safe to run again. Its partial work stays in the tree; on resume it is saved under a ref and the command runs again from a clean tree.",
    guidance:
      "The implement command of run {runId} {detail}. Run it yourself in {cwd} to see the whole output and fix the cause, then resume; the partial work is kept under a ref named in the output.",
    command: "workflowmaster resume {runId}",
    pausable: true,
  },
  {
    code: "WFM-IMPLEMENT-EMPTY-DIFF",
    kind: ErrorKind.Permanent,
    title: "The implement command changed nothing",
    automatic: "Did not commit: a run whose implement step changed nothing has done no work.",
    guidance:
      "The implement command of run {runId} succeeded but changed no file in {cwd} (outside .workflowmaster/). Check that it writes its changes into this working tree, then resume to run it again.",
    command: "workflowmaster resume {runId}",
    pausable: true,
  },
  {
    code: "WFM-IMPLEMENT-LEFTOVER",
    kind: ErrorKind.Environmental,
    title: "An earlier implement command is still running",
    automatic:
      "Sent SIGKILL to the process group an earlier (killed) process started and waited for it; it did not end, so nothing was touched.",
    guidance:
      "Process group {pid}, started by an earlier implement attempt of run {runId}, is still running. Stop it with the command below, then resume.",
    command: "kill -KILL -- -{pid}",
  },
  {
    code: "WFM-DEV-TREE-NOT-CLEAN",
    kind: ErrorKind.Permanent,
    title: "The working tree holds files the run did not make",
    automatic: "Did not run the implement command: those files would be committed with its change.",
    guidance:
      "{cwd} holds changes no implement attempt of run {runId} made ({files}). Commit, move or delete them (the command below lists them), then resume.",
    command: "git -C {cwd} status --untracked-files=all",
    pausable: true,
  },
  {
    code: "WFM-DEV-HEAD-MOVED",
    kind: ErrorKind.Permanent,
    title: "The run's branch moved",
    automatic:
      "Stopped before changing anything: committing now would build on commits the run did not make.",
    guidance:
      "Branch {branch} in {cwd} is at {head}, not at {sha} where run {runId} left it (the implement command or someone else committed or reset). WorkflowMaster makes the commit itself. To keep those changes as uncommitted work, move the branch back with the command below (files are kept), then resume.",
    command: "git -C {cwd} reset --soft {sha}",
    pausable: true,
  },
  {
    code: "WFM-DEV-WORK-CHANGED",
    kind: ErrorKind.Permanent,
    title: "The work changed after the implement step",
    automatic: "Did not commit: the tree no longer holds exactly what the implement step produced.",
    guidance:
      "The working tree of {cwd} changed after the implement step of run {runId} finished ({files}). Put back what it produced (tree {tree}; the command below shows the difference), or roll the run back and start a new one, then resume.",
    command: "git -C {cwd} diff {tree}",
    pausable: true,
  },
  {
    code: "WFM-DEV-BASE-MISSING",
    kind: ErrorKind.Permanent,
    title: "The base branch does not exist",
    automatic: "Nothing was created.",
    guidance:
      "There is no branch {base} in {cwd}, neither local nor {remote}/{base}. Fetch it with the command below (or start the run with another --base), then resume run {runId}.",
    command: "git -C {cwd} fetch {remote} {base}",
    pausable: true,
  },
  {
    code: "WFM-DEV-REMOTE-BRANCH-MOVED",
    kind: ErrorKind.Permanent,
    title: "Someone else pushed to the run's branch",
    automatic: "Did not delete it: the remote branch holds commits this run did not push.",
    guidance:
      "Branch {branch} on {remote} is at {head}, not at {sha}, which run {runId} pushed; rollback left it in place. Delete it with the command below if it is not wanted, then run the rollback again to confirm.",
    command: "git -C {cwd} push {remote} --delete {branch}",
  },
  {
    code: "WFM-CLI-USAGE",
    kind: ErrorKind.Permanent,
    title: "The command line is not valid",
    automatic: "Nothing; no state was read or written.",
    guidance: "{detail}. The command below lists the commands and their options.",
    command: "workflowmaster --help",
  },
  {
    code: "WFM-CLI-INPUT-INVALID",
    kind: ErrorKind.Permanent,
    title: "An option's value is not allowed",
    automatic: "Nothing; no state was read or written and nothing was sent anywhere.",
    guidance: "{field} {detail}. Correct it and run the command again.",
    command: "workflowmaster {subcommand} --help",
  },
  {
    code: "WFM-CLI-REPO-UNKNOWN",
    kind: ErrorKind.Permanent,
    title: "The GitHub repository is unknown",
    automatic: "Nothing was created on GitHub or in git.",
    guidance:
      "Could not use a GitHub repository for {cwd}: {detail}. Pass it with --github-repo OWNER/NAME (the command below shows the remotes).",
    command: "git -C {cwd} remote -v",
  },
  {
    code: "WFM-CLI-NESTED",
    kind: ErrorKind.Permanent,
    title: "WorkflowMaster started itself too deeply",
    automatic:
      "Refused to start: an implement command that starts WorkflowMaster again could loop.",
    guidance:
      "This workflowmaster was started {detail} levels deep (WORKFLOWMASTER_DEPTH), from inside implement commands. Start runs from a shell, not from an implement command.",
    command: "env | grep '^WORKFLOWMASTER_'",
  },
  // ── classify(): GitHub, git, errno, aborts ────────────────────────────
  // (rows for classify are added below this line)
  // GitHub: authentication and permission. A person fixes the token and resumes.
  {
    code: "WFM-GITHUB-BAD-CREDENTIALS",
    kind: ErrorKind.Permanent,
    title: "GitHub rejected the token",
    automatic:
      "Did not retry: the same token would be refused again. Paused the run; the refused call changed nothing on GitHub.",
    guidance:
      "GitHub answered 401 Bad credentials: the token in GITHUB_TOKEN or GH_TOKEN is wrong, expired or revoked. Create a new token with access to {repo}, export it, then resume run {runId}.",
    command: 'GITHUB_TOKEN="$(gh auth token)" workflowmaster resume {runId}',
    pausable: true,
  },
  {
    code: "WFM-GITHUB-AUTH-REQUIRED",
    kind: ErrorKind.Permanent,
    title: "GitHub needs a token for this request",
    automatic: "Did not retry: GitHub refuses this request without a token. Paused the run.",
    guidance:
      "The request to {repo} was sent without a token. Export GITHUB_TOKEN or GH_TOKEN with access to {repo}, then resume run {runId}.",
    command: 'GITHUB_TOKEN="$(gh auth token)" workflowmaster resume {runId}',
    pausable: true,
  },
  {
    code: "WFM-GITHUB-PERMISSION-DENIED",
    kind: ErrorKind.Permanent,
    title: "The token lacks a GitHub permission",
    automatic:
      "Did not retry: GitHub refuses this request until the token's permissions change. Paused the run.",
    guidance:
      "GitHub refused the request on {repo}: the token needs {permission}. Grant it (fine-grained token or GitHub App settings, or `gh auth refresh -s repo` for a classic token), export the token, then resume run {runId}.",
    command: 'GITHUB_TOKEN="$(gh auth token)" workflowmaster resume {runId}',
    pausable: true,
  },
  // GitHub: rate limits, told apart as GitHub documents (remaining 0 → primary first).
  {
    code: "WFM-GITHUB-RATE-LIMITED",
    kind: ErrorKind.Transient,
    title: "GitHub primary rate limit exhausted",
    automatic:
      "Waits without sending requests until the limit resets ({resetAt}), reporting the wait as progress, then retries.",
    guidance:
      "The token has used all of its GitHub API requests for this period; the limit resets at {resetAt}. Resume run {runId} after that time, or use a token with a higher limit.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-GITHUB-SECONDARY-RATE-LIMITED",
    kind: ErrorKind.Transient,
    title: "GitHub secondary rate limit hit",
    automatic:
      "Waits as long as GitHub asked (retry-after, or at least 60 s when it did not say), then retries with backoff, one request at a time.",
    guidance:
      "GitHub slowed this token down for sending too many requests too quickly (a secondary rate limit). Make sure no other tool is using the same token heavily, wait a few minutes, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-GITHUB-CREATION-BLOCKED",
    kind: ErrorKind.Transient,
    title: "GitHub temporarily blocked content creation",
    automatic:
      "Waits as long as GitHub asked (retry-after, or at least 60 s when it did not say) before creating anything again; a create is looked up before it is sent again.",
    guidance:
      "GitHub temporarily blocked this token from creating issues, comments or pull requests (a secondary rate limit for content creation). Create nothing else with this token for several minutes, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  // GitHub: missing things and refusals.
  {
    code: "WFM-GITHUB-NOT-FOUND",
    kind: ErrorKind.Permanent,
    title: "GitHub resource not found",
    automatic:
      "Did not retry: GitHub answers 404 the same way until the repository name or the token changes. Paused the run.",
    guidance:
      "GitHub answered 404 for {detail}. Check that {repo} exists and that the token can see it (GitHub answers 404, not 403, for a private repository the token cannot access), then resume run {runId}.",
    command: "gh repo view {repo}",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-REPO-EMPTY",
    kind: ErrorKind.Permanent,
    title: "The GitHub repository is empty",
    automatic: "Did not retry: branches and pull requests need a first commit. Paused the run.",
    guidance:
      "{repo} has no commits yet, so no branch or pull request can be created there. Push a first commit to its default branch, then resume run {runId}.",
    command: "git -C {cwd} push -u origin HEAD",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-CONFLICT",
    kind: ErrorKind.Permanent,
    title: "GitHub reported a conflict",
    automatic: "Did not retry: the same request would conflict again.",
    guidance:
      "GitHub answered 409 ({detail}) for a request on {repo}. Check the repository's state on GitHub and the status of run {runId}.",
    command: "workflowmaster status {runId}",
  },
  {
    code: "WFM-GITHUB-GONE",
    kind: ErrorKind.Permanent,
    title: "The GitHub resource or feature is gone",
    automatic: "Did not retry: GitHub answers 410 until the setting changes. Paused the run.",
    guidance:
      "GitHub answered 410 ({detail}): the resource was deleted or the feature is turned off, for example issues are disabled on {repo}. Turn the feature on, then resume run {runId}.",
    command: "gh repo edit {repo} --enable-issues",
    pausable: true,
  },
  // GitHub: 422 variants. The "already exists" ones are adopted by the GitHub adapter when they match.
  {
    code: "WFM-GITHUB-PR-EXISTS",
    kind: ErrorKind.Permanent,
    title: "A pull request for this branch already exists",
    automatic:
      "The GitHub adapter looks the pull request up and adopts it when it carries this run's marker; nothing is created twice.",
    guidance:
      "GitHub already has an open pull request for {detail}. If it is this run's, resume run {runId} to adopt it; otherwise close it first.",
    command: "gh pr list --repo {repo} --head {branch}",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-NO-COMMITS",
    kind: ErrorKind.Permanent,
    title: "No commits between the base and the head branch",
    automatic: "Did not create the pull request. Paused the run.",
    guidance:
      "GitHub found nothing to merge ({detail}): the pushed branch has no commits that the base lacks. Check that {branch} was pushed with the implementation's commits, then resume run {runId}.",
    command: "git -C {cwd} log --oneline -n 5 {branch}",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-HEAD-INVALID",
    kind: ErrorKind.Partial,
    title: "GitHub does not see the head branch",
    automatic:
      "Did not retry blindly: checks the remote branch with git ls-remote first (the push may not be visible yet), then tries once more.",
    guidance:
      "GitHub did not accept {branch} as the pull request's head: the branch is not on {repo}, or not visible yet. Resume run {runId} to check the push and try again.",
    command: "git -C {cwd} ls-remote origin refs/heads/{branch}",
  },
  {
    code: "WFM-GITHUB-REF-EXISTS",
    kind: ErrorKind.Permanent,
    title: "The branch already exists on GitHub",
    automatic:
      "The GitHub adapter compares the existing branch's commit and adopts it when it is this run's; otherwise it stops here.",
    guidance:
      "The ref already exists on {repo} ({detail}). If it points at this run's commit, resume run {runId}; otherwise delete it or start a run with another branch name.",
    command: "git -C {cwd} ls-remote origin refs/heads/{branch}",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-OBJECT-MISSING",
    kind: ErrorKind.Permanent,
    title: "GitHub does not have the commit",
    automatic:
      "Did not retry: GitHub cannot point a ref at a commit it does not have. Paused the run.",
    guidance:
      "GitHub does not have the commit the request named ({detail}); it was probably not pushed. Push the branch, then resume run {runId}.",
    command: "git -C {cwd} push origin HEAD:refs/heads/{branch}",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-REF-UPDATE-FAILED",
    kind: ErrorKind.Permanent,
    title: "GitHub could not create or update the ref",
    automatic: "Did not retry: the same ref update would fail again.",
    guidance:
      "GitHub refused to create or update the ref on {repo} ({detail}); a ref with a clashing name may exist (`a` blocks `a/b`). List the remote refs, remove the clash or start a run with another branch name.",
    command: "git -C {cwd} ls-remote --heads origin",
  },
  {
    code: "WFM-GITHUB-NOT-FAST-FORWARD",
    kind: ErrorKind.Partial,
    title: "The branch on GitHub moved on",
    automatic:
      "Did not force the update: the remote branch is fetched and reconciled before anything is redone.",
    guidance:
      "Updating {branch} on {repo} was refused because it is not a fast-forward: the branch on GitHub has commits this run does not have. Resume run {runId} to fetch, rebase and try again.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-GITHUB-ALREADY-EXISTS",
    kind: ErrorKind.Permanent,
    title: "The GitHub object already exists",
    automatic:
      "The GitHub adapter adopts an existing object that matches what the run wanted (labels are idempotent).",
    guidance:
      "GitHub already has this {detail} on {repo}. If it is the one run {runId} wanted, resume to adopt it; otherwise rename or remove it first.",
    command: "workflowmaster resume {runId}",
    pausable: true,
  },
  {
    code: "WFM-GITHUB-VALIDATION-FAILED",
    kind: ErrorKind.Permanent,
    title: "GitHub rejected the request as invalid",
    automatic: "Did not retry: the same request would be rejected again.",
    guidance:
      "GitHub answered 422 ({detail}). WorkflowMaster most likely sent a wrong field; please report it with the events of run {runId}.",
    command: "workflowmaster events {runId}",
  },
  {
    code: "WFM-GITHUB-BAD-REQUEST",
    kind: ErrorKind.Permanent,
    title: "GitHub could not parse the request",
    automatic: "Did not retry: a malformed request is a bug, not bad luck.",
    guidance:
      "GitHub answered 400 ({detail}). This is a bug in the request WorkflowMaster sent; please report it with the events of run {runId}.",
    command: "workflowmaster events {runId}",
  },
  {
    code: "WFM-GITHUB-SERVER-ERROR",
    kind: ErrorKind.Transient,
    title: "GitHub had a server error",
    automatic:
      "Retries with exponential backoff and jitter (or as long as GitHub asked); a write is looked up before it is sent again, so nothing is created twice.",
    guidance:
      "GitHub answered {status} ({detail}). Check https://www.githubstatus.com, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-GITHUB-REQUEST-FAILED",
    kind: ErrorKind.Permanent,
    title: "GitHub refused the request",
    automatic: "Did not retry: WorkflowMaster does not know this answer to be safe to retry.",
    guidance:
      "GitHub answered {status} ({detail}). Read the failed call in the events of run {runId}, fix the cause, then start the workflow again.",
    command: "workflowmaster events {runId}",
  },
  // Network, for GitHub calls and git remotes alike.
  {
    code: "WFM-NET-RESET",
    kind: ErrorKind.Transient,
    title: "Connection dropped",
    automatic:
      "Retries with backoff within the retry budget; a write whose answer was lost is looked up before it is sent again.",
    guidance:
      "The connection was dropped before the answer arrived ({detail}). If it keeps happening, check the network or proxy, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-NET-REFUSED",
    kind: ErrorKind.Transient,
    title: "Connection refused",
    automatic: "Retries with backoff within the retry budget.",
    guidance:
      "Nothing accepted the connection ({detail}). Check that the server address (GITHUB_API_URL, the git remote) is right and the server is up, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-NET-DNS",
    kind: ErrorKind.Transient,
    title: "Host name not resolved",
    automatic: "Retries with backoff within the retry budget.",
    guidance:
      "The host name could not be resolved ({detail}). Check the network connection, DNS and the server address, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-NET-TIMEOUT",
    kind: ErrorKind.Transient,
    title: "Network operation timed out",
    automatic:
      "Retries with backoff within the retry budget; a write whose answer was lost is looked up before it is sent again.",
    guidance:
      "The server did not answer in time ({detail}). Check the network connection and proxy, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-NET-UNREACHABLE",
    kind: ErrorKind.Transient,
    title: "Network unreachable",
    automatic: "Retries with backoff within the retry budget.",
    guidance:
      "There is no route to the server ({detail}). Check that this machine is online (VPN, Wi-Fi, firewall), then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-NET-FAILED",
    kind: ErrorKind.Transient,
    title: "Network request failed",
    automatic:
      "Retries with backoff within the retry budget; a write whose answer was lost is looked up before it is sent again.",
    guidance:
      "A request failed before any answer arrived ({detail}). Check the network connection, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  // git (simple-git GitError: the message is git's stderr).
  {
    code: "WFM-GIT-INDEX-LOCKED",
    kind: ErrorKind.Environmental,
    title: "A git lock file is in the way",
    automatic:
      "Stopped before touching the repository; WorkflowMaster runs one git command at a time per repository, so the lock is not its own.",
    guidance:
      "{path} exists: another git process is working in {cwd}, or one crashed and left its lock behind. Check that no git is running (`pgrep -a git`); if none is, remove the lock, then resume run {runId}.",
    command: "rm -f {path}",
  },
  {
    code: "WFM-GIT-NON-FAST-FORWARD",
    kind: ErrorKind.Partial,
    title: "The remote branch has commits this clone does not have",
    automatic:
      "Did not force-push. Before pushing again the remote is fetched and the branch rebased onto it; a conflict stops with the files listed.",
    guidance:
      "The push of {branch} was rejected ({detail}): the remote has work this clone does not have. Resume run {runId} to fetch, rebase and push again.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-GIT-PUSH-REJECTED",
    kind: ErrorKind.Permanent,
    title: "The remote refused the push",
    automatic: "Did not retry: the remote refuses this push by rule. Paused the run.",
    guidance:
      "The remote refused the push of {branch} ({detail}), for example a protected branch or a server-side hook. Change the rule or the target branch, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
    pausable: true,
  },
  {
    code: "WFM-GIT-AUTH-FAILED",
    kind: ErrorKind.Permanent,
    title: "git could not authenticate to the remote",
    automatic: "Did not retry: the same credentials would be refused again. Paused the run.",
    guidance:
      "git could not authenticate to the remote ({detail}). Give git working credentials for origin (`gh auth setup-git` uses the GitHub CLI's token), then resume run {runId}.",
    command: "gh auth setup-git && workflowmaster resume {runId}",
    pausable: true,
  },
  {
    code: "WFM-GIT-PERMISSION-DENIED",
    kind: ErrorKind.Permanent,
    title: "The remote denied access",
    automatic:
      "Did not retry: the remote refuses this account until its access changes. Paused the run.",
    guidance:
      "The remote denied access ({detail}): the account git authenticates as cannot push there. Use an account or token with write access, then resume run {runId}.",
    command: "git -C {cwd} remote -v",
    pausable: true,
  },
  {
    code: "WFM-GIT-CONFLICT",
    kind: ErrorKind.Permanent,
    title: "Merge conflict",
    automatic: "Stopped with nothing pushed; the conflicting files are listed.",
    guidance:
      "git stopped on conflicts in {files} in {cwd}. Resolve them, `git add` the files and continue (`git rebase --continue` or `git commit`), or abort (`git rebase --abort` or `git merge --abort`), then resume run {runId}.",
    command: "git -C {cwd} status",
    pausable: true,
  },
  {
    code: "WFM-GIT-NOT-A-REPOSITORY",
    kind: ErrorKind.Permanent,
    title: "Not a git repository",
    automatic: "Nothing; no git command could run.",
    guidance:
      "{cwd} is not inside a git repository, or its .git is damaged (a garbage HEAD looks the same to git). Run WorkflowMaster inside the repository or pass --cwd; git status there shows the problem.",
    command: "git -C {cwd} status",
  },
  {
    code: "WFM-GIT-DETACHED-HEAD",
    kind: ErrorKind.Permanent,
    title: "Detached HEAD",
    automatic:
      "Did not push: with no branch checked out there is nothing to push to. Paused the run.",
    guidance:
      "{cwd} is on a detached HEAD, not on a branch. Switch to the run's branch {branch} (keeping any commits you made), then resume run {runId}.",
    command: "git -C {cwd} switch {branch}",
    pausable: true,
  },
  {
    code: "WFM-GIT-REPOSITORY-CORRUPT",
    kind: ErrorKind.Environmental,
    title: "The git repository is damaged",
    automatic: "Stopped before changing anything else in the repository.",
    guidance:
      "git found damage in {cwd} ({detail}). Keep a copy of the repository, run git fsck to see what is broken, repair it (for example re-clone and copy the work over), then resume run {runId}.",
    command: "git -C {cwd} fsck --full",
  },
  {
    code: "WFM-GIT-REMOTE-UNAVAILABLE",
    kind: ErrorKind.Transient,
    title: "The git server had an error",
    automatic:
      "Retries with backoff within the retry budget; a push is checked with git ls-remote before it is redone.",
    guidance:
      "The git server answered with an error ({detail}). Check the host's status page, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-GIT-FAILED",
    kind: ErrorKind.Permanent,
    title: "git failed",
    automatic:
      "Did not retry: git's error is not one WorkflowMaster knows to be safe to retry. Paused the run.",
    guidance:
      "git failed in {cwd}: {detail}. Run the command yourself to see the whole output, fix the cause, then resume run {runId}.",
    command: "git -C {cwd} status",
    pausable: true,
  },
  // Child processes.
  {
    code: "WFM-COMMAND-NOT-FOUND",
    kind: ErrorKind.Environmental,
    title: "A program is not installed",
    automatic: "Nothing; the program could not be started.",
    guidance:
      "{path} could not be started: it is not installed or not on PATH (or the directory it was started in is gone). Install it or fix PATH, then resume run {runId}.",
    command: "command -v {path}",
  },
  {
    code: "WFM-COMMAND-FAILED",
    kind: ErrorKind.Permanent,
    title: "A command failed",
    automatic:
      "Did not retry: a failing command is not known to be safe to run again. Paused the run.",
    guidance:
      "{detail}. Run it yourself in {cwd} to see the whole output, fix the cause, then resume run {runId}.",
    command: "workflowmaster resume {runId}",
    pausable: true,
  },
  // errno: the machine, not the request.
  {
    code: "WFM-DISK-FULL",
    kind: ErrorKind.Environmental,
    title: "The disk is full",
    automatic:
      "Stopped writing; every record acknowledged before the failed write is in the journal, and a torn tail is dropped on recovery.",
    guidance:
      "No space is left on the filesystem holding {path}. Free some space (finished runs under .workflowmaster/runs can go), then resume run {runId}.",
    command: "df -h {path}",
  },
  {
    code: "WFM-DISK-QUOTA",
    kind: ErrorKind.Environmental,
    title: "Disk quota exceeded",
    automatic:
      "Stopped writing; every record acknowledged before the failed write is in the journal, and a torn tail is dropped on recovery.",
    guidance:
      "Your disk quota on the filesystem holding {path} is used up. Delete files you own there or ask for a larger quota, then resume run {runId}.",
    command: "quota -s",
  },
  {
    code: "WFM-FS-PERMISSION-DENIED",
    kind: ErrorKind.Environmental,
    title: "Permission denied on a file",
    automatic: "Stopped before the operation; nothing was written.",
    guidance:
      "The operating system refused access to {path} ({detail}). Give the user running WorkflowMaster access to it (owner and mode), then resume run {runId}.",
    command: "ls -ld {path}",
  },
  {
    code: "WFM-FS-READ-ONLY",
    kind: ErrorKind.Environmental,
    title: "The filesystem is read-only",
    automatic: "Stopped writing; the last state written is intact.",
    guidance:
      "{path} is on a read-only filesystem (a disk is often remounted read-only after errors). Make it writable, then resume run {runId}.",
    command: "findmnt -T {path}",
  },
  {
    code: "WFM-DISK-IO",
    kind: ErrorKind.Environmental,
    title: "The disk reported an I/O error",
    automatic: "Stopped writing; on resume the state is checked and a damaged tail is dropped.",
    guidance:
      "Reading or writing {path} failed with an I/O error: the disk or filesystem may be failing. Check the kernel log and the disk, keep a copy of .workflowmaster, then resume run {runId}.",
    command: "dmesg --level=err,warn | tail -n 20",
  },
  {
    code: "WFM-FILE-TOO-LARGE",
    kind: ErrorKind.Environmental,
    title: "A file reached the size limit",
    automatic:
      "Stopped writing; every record acknowledged before the failed write is in the journal, and a torn tail is dropped on recovery.",
    guidance:
      "A write failed because the file reached the largest size this process may write ({detail}): the file-size limit (`ulimit -f`) is below what the run needs. Raise it (for example `ulimit -f unlimited`), then resume run {runId}.",
    command: "ulimit -f",
  },
  {
    code: "WFM-FD-EXHAUSTED",
    kind: ErrorKind.Environmental,
    title: "Too many open files",
    automatic: "Stopped the operation; nothing was left half-written.",
    guidance:
      "The process ran out of file descriptors ({detail}). Raise the limit (for example `ulimit -n 4096`) or close other programs, then resume run {runId}.",
    command: "ulimit -n",
  },
  {
    code: "WFM-MEMORY-EXHAUSTED",
    kind: ErrorKind.Environmental,
    title: "Out of memory",
    automatic: "Stopped the operation; the last state written is intact.",
    guidance:
      "The system could not allocate memory ({detail}). Close other programs or add memory, then resume run {runId}.",
    command: "free -h",
  },
  {
    code: "WFM-FS-NOT-FOUND",
    kind: ErrorKind.Permanent,
    title: "A file or directory is missing",
    automatic: "Did not retry: the path stays missing until someone restores it. Paused the run.",
    guidance:
      "{path} does not exist ({detail}). Restore it or check --cwd, then resume run {runId}.",
    command: "workflowmaster doctor --cwd {cwd}",
    pausable: true,
  },
  // Aborts, timeouts and anything else.
  {
    code: "WFM-OPERATION-TIMEOUT",
    kind: ErrorKind.Transient,
    title: "An operation timed out",
    automatic: "Aborted the operation and retries within the retry policy.",
    guidance:
      "{detail}. Check what it was waiting on (the network, a hung process), then resume run {runId}.",
    command: "workflowmaster resume {runId}",
  },
  {
    code: "WFM-ERROR-UNCLASSIFIED",
    kind: ErrorKind.Permanent,
    title: "Unrecognised error",
    automatic:
      "Did not retry: an error WorkflowMaster does not recognise is not known to be safe to retry. Paused the run; everything acknowledged is saved.",
    guidance:
      "Run {runId} stopped on an error WorkflowMaster does not recognise ({detail}). Please report it with the run's events file attached; once the cause is fixed, resume.",
    command: "workflowmaster events {runId}",
    pausable: true,
  },
] as const satisfies readonly CatalogueEntry[];

export type ErrorCode = (typeof entries)[number]["code"];

/** The catalogue, keyed by code. */
export const CATALOGUE: ReadonlyMap<ErrorCode, CatalogueEntry> = new Map(
  entries.map((entry) => [entry.code, entry]),
);

export const ERROR_CODES: readonly ErrorCode[] = entries.map((entry) => entry.code);

export type ErrorContext = Readonly<Record<string, string | number | undefined>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fills `{name}` from context; a missing value becomes `<NAME>`. */
export function render(template: string, context: ErrorContext): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = context[name];
    return value === undefined || value === "" ? `<${toUpperSnake(name)}>` : String(value);
  });
}

function toUpperSnake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

export interface MakeErrorOptions {
  /** What was observed. Defaults to the entry's title. */
  message?: string;
  context?: ErrorContext;
  cause?: unknown;
  retryAfterMs?: number;
}

/** Builds the error for a catalogue code, guidance and command filled in. */
export function wfmError(code: ErrorCode, options: MakeErrorOptions = {}): WorkflowMasterError {
  const entry = CATALOGUE.get(code);
  if (!entry) throw new TypeError(`Unknown WorkflowMaster error code ${code}`);
  const context = options.context ?? {};
  return new WorkflowMasterError({
    code: entry.code,
    kind: entry.kind,
    message: options.message ?? entry.title,
    guidance: render(entry.guidance, context),
    automatic: render(entry.automatic, context),
    ...(entry.command === undefined ? {} : { command: render(entry.command, context) }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    cause: options.cause,
  });
}
