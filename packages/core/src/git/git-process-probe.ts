import { execFile } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { isAbsolute, resolve, sep } from "node:path";
import { promisify } from "node:util";

/** A live git process working in a repository. */
export interface GitProcessInfo {
  readonly pid: number;
  /** Its command line, as `ps` would show it. */
  readonly command: string;
}

/**
 * Finds live git processes in a repository, so a lock file can be told
 * apart from one a dead process left behind. Injected: tests substitute
 * their own, other platforms their own.
 */
export interface GitProcessProbe {
  gitProcessesIn(places: { workTree: string; gitDir: string }): Promise<GitProcessInfo[]>;
}

/**
 * Linux: every process under /proc whose name starts with `git` (git, and
 * its helpers such as git-remote-http) and whose working directory, or
 * `GIT_DIR`, is inside the working tree or the git directory. `git -C dir`
 * changes directory first, so it is seen too. Processes that vanish while
 * being read, or that belong to another user, are not ours to judge and are
 * skipped. Without /proc (macOS, BSD) a process's directory cannot be read,
 * so every running git process (from `ps`) is taken as a possible holder.
 */
export const nodeGitProcessProbe: GitProcessProbe = {
  async gitProcessesIn({ workTree, gitDir }) {
    const inside = (path: string) =>
      [workTree, gitDir].some((root) => path === root || path.startsWith(`${root}${sep}`));
    const found: GitProcessInfo[] = [];
    let pids: string[];
    try {
      pids = await readdir("/proc");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return anyGitProcess();
    }
    for (const name of pids) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      if (pid === process.pid) continue;
      const info = await readProcess(pid);
      if (info === undefined || !/^git(?:$|-)/.test(info.comm)) continue;
      const gitDirEnv = info.environ.get("GIT_DIR");
      const places = [info.cwd];
      if (gitDirEnv !== undefined)
        places.push(isAbsolute(gitDirEnv) ? gitDirEnv : resolve(info.cwd, gitDirEnv));
      if (places.some(inside)) found.push({ pid, command: info.command });
    }
    return found;
  },
};

interface ProcessInfo {
  readonly comm: string;
  readonly cwd: string;
  readonly command: string;
  readonly environ: ReadonlyMap<string, string>;
}

/** Codes that mean "the process is gone or is not ours to read". */
const UNREADABLE = new Set(["ENOENT", "ESRCH", "EACCES", "EPERM"]);

async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
    if (!comm.startsWith("git")) return { comm, cwd: "", command: "", environ: new Map() };
    const cwd = await readlink(`/proc/${pid}/cwd`);
    const command = (await readFile(`/proc/${pid}/cmdline`, "utf8"))
      .split("\0")
      .filter(Boolean)
      .join(" ");
    const environ = new Map<string, string>();
    for (const entry of (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0")) {
      const equals = entry.indexOf("=");
      if (equals > 0) environ.set(entry.slice(0, equals), entry.slice(equals + 1));
    }
    return { comm, cwd, command: command || comm, environ };
  } catch (error) {
    if (UNREADABLE.has((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}

const run = promisify(execFile);

async function anyGitProcess(): Promise<GitProcessInfo[]> {
  const { stdout } = await run("ps", ["-A", "-o", "pid=,comm=,args="], { encoding: "utf8" });
  const found: GitProcessInfo[] = [];
  for (const line of stdout.split("\n")) {
    const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const [, pid = "", comm = "", args = ""] = match;
    const base = comm.split("/").at(-1) ?? comm;
    if (/^git(?:$|-)/.test(base) && Number(pid) !== process.pid) {
      found.push({ pid: Number(pid), command: args.trim() || comm });
    }
  }
  return found;
}
