import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** What the kernel counted for a child's memory cgroup. */
export interface MemoryCgroupUsage {
  /** memory.max_usage_in_bytes: the peak, page cache included. */
  readonly maxUsageBytes: number;
  /** memory.failcnt: how often the limit was hit. */
  readonly failcnt: number;
  /** `oom_kill` of memory.oom_control: processes the OOM killer ended (undefined on old kernels). */
  readonly oomKills: number | undefined;
}

export interface MemoryCgroup {
  readonly path: string;
  readonly limitBytes: number;
  /** Wraps a command so that it joins the cgroup before it execs (no window outside it). */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  usage(): Promise<MemoryCgroupUsage>;
  /** Kills anything still inside (the child's leftovers), then removes the cgroup. */
  remove(): Promise<void>;
}

/** Exit status of the wrapper when it could not join the cgroup (it then runs nothing). */
export const CGROUP_JOIN_FAILED = 125;

let created = 0;

/** Creates a cgroup v1 memory cgroup under `parent` with a hard limit (and no swap beyond it). */
export async function createMemoryCgroup(
  parent: string,
  limitBytes: number,
): Promise<MemoryCgroup> {
  created += 1;
  const path = join(parent, `wfm-chaos-${process.pid}-${created}`);
  await mkdir(path);
  const remove = async () => {
    const procs = join(path, "cgroup.procs");
    for (let round = 0; round < 50; round += 1) {
      const pids = (await readFile(procs, "utf8")).split("\n").filter((line) => line !== "");
      if (pids.length === 0) {
        await rmdir(path);
        return;
      }
      // Only the child and what it started can be in a cgroup made for it.
      for (const pid of pids) killIfAlive(Number(pid));
      await sleep(20);
    }
    throw new Error(
      `Failed to remove the memory cgroup ${path}: processes are still in it after SIGKILL. Check \`cat ${procs}\`, then \`rmdir ${path}\`.`,
    );
  };
  try {
    await writeFile(join(path, "memory.limit_in_bytes"), String(limitBytes));
    // Without swap accounting the limit holds anyway when there is no swap.
    await writeFile(join(path, "memory.memsw.limit_in_bytes"), String(limitBytes)).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      },
    );
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    path,
    limitBytes,
    wrap: (command, args) => ({
      command: "/bin/sh",
      args: [
        "-c",
        `echo $$ > "$0/cgroup.procs" || { echo "workflowmaster-chaos: could not join the memory cgroup $0" >&2; exit ${CGROUP_JOIN_FAILED}; }; exec "$@"`,
        path,
        command,
        ...args,
      ],
    }),
    async usage() {
      const read = (file: string) => readFile(join(path, file), "utf8");
      const oomControl = await read("memory.oom_control");
      const oomKill = /^oom_kill (\d+)$/m.exec(oomControl)?.[1];
      return {
        maxUsageBytes: Number((await read("memory.max_usage_in_bytes")).trim()),
        failcnt: Number((await read("memory.failcnt")).trim()),
        oomKills: oomKill === undefined ? undefined : Number(oomKill),
      };
    },
    remove,
  };
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    // Gone between the listing and the kill: nothing left to do for it.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
