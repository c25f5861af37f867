import { join } from "node:path";
import { hasErrno } from "../../state/has-errno.js";
import type { GitProcessInfo } from "../git-process-probe.js";
import { ok, PreflightCheck, refused, repaired } from "../preflight-finding.js";
import { statOptional } from "../read-optional.js";
import { type Check, type CheckContext, layoutOf } from "./check.js";

const NAME = PreflightCheck.IndexLock;

/**
 * `index.lock` is git's "someone is writing the index". One held by a live
 * git process in this repository is refused (deleting it would corrupt that
 * process's write). One with no such process, at least `staleLockAgeMs` old,
 * was left by a process that died: it is removed and reported. A younger
 * one is waited out first (on the injected clock), then looked at again.
 * WorkflowMaster's own git commands never overlap it (one queue per
 * repository, and preflight starts the checks after it only once it is
 * done), so a lock or a git process seen here is never its own.
 */
export const indexLockCheck: Check = {
  name: NAME,
  structural: false,
  // Its holders are found in the process table: our own git must not be there.
  alone: true,
  async run(context) {
    const { session, signal } = context;
    const { gitDir } = layoutOf(context);
    const path = join(gitDir, "index.lock");
    const first = await statOptional(session.fs, path);
    if (first === undefined) return ok(NAME, "no index.lock");
    const holders = await holdersOf(context);
    if (holders[0] !== undefined) return held(context, path, holders[0]);
    const minimumAge = session.options.staleLockAgeMs;
    const age = session.options.clock.now() - first.mtimeMs;
    let waited = 0;
    if (age < minimumAge) {
      // A clock behind the file's time gives a negative age: wait the full period then.
      waited = Math.min(minimumAge, minimumAge - Math.max(0, age));
      await session.options.clock.sleep(waited, signal);
      const second = await statOptional(session.fs, path);
      if (second === undefined)
        return ok(NAME, `an index.lock was released by its owner within ${waited} ms`);
      const laterHolders = await holdersOf(context);
      if (laterHolders[0] !== undefined) return held(context, path, laterHolders[0]);
      if (second.mtimeMs !== first.mtimeMs || second.size !== first.size) {
        // Someone rewrote it while we waited, yet no git process here is visible: list them all.
        return held(context, path, {
          pid: "$(pgrep -d, git)",
          command:
            "a process this machine cannot attribute (the lock changed while WorkflowMaster waited)",
        });
      }
    }
    try {
      await session.fs.unlink(path);
    } catch (error) {
      // Its owner finished and removed it between the look and the unlink: nothing to repair.
      if (hasErrno(error, "ENOENT")) return ok(NAME, "an index.lock was released by its owner");
      throw error;
    }
    const shownAge = age >= 0 ? `${Math.round(age / 1000)} s old` : "dated ahead of this clock";
    return repaired(
      NAME,
      `removed a stale ${path} (${shownAge}, ${first.size} bytes${waited > 0 ? `, unchanged after waiting ${waited} ms` : ""}): no git process was working in the repository, so a git process that died had left it`,
    );
  },
};

function holdersOf(context: CheckContext): Promise<GitProcessInfo[]> {
  const layout = layoutOf(context);
  return context.session.probe.gitProcessesIn({
    workTree: layout.workTree,
    gitDir: layout.commonDir,
  });
}

function held(
  context: CheckContext,
  path: string,
  holder: { pid: number | string; command: string },
) {
  return refused(
    NAME,
    context.session.error("WFM-GIT-INDEX-LOCK-HELD", {
      message: `${path} is held by git process ${holder.pid} (${holder.command}), which is still running in ${context.session.dir}.`,
      context: { path, pid: holder.pid, holder: holder.command },
    }),
  );
}
