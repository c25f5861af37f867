import { readdir, readFile } from "node:fs/promises";

/**
 * Process groups, as the implement step needs them: the command runs in a
 * group of its own (ProcessSpawner starts children detached), and a group
 * left running by a process that was killed must be found and stopped
 * before the step is tried again, or its late writes would land in the
 * next attempt's tree. Injected so tests can stand in for the real thing.
 */
export interface ProcessGroups {
  /** Whether any live (not zombie) process is in the group. */
  isAlive(pgid: number): Promise<boolean>;
  /**
   * Whether the group's leader (pid = pgid) was started by us for this
   * attempt: its environment holds `NAME=value` (`match`), holds something
   * else (`other`: the pid was reused), it has exited (`gone`), or its
   * environment cannot be read (`unreadable`, e.g. no /proc).
   */
  leaderEnvironment(pgid: number, name: string, value: string): Promise<LeaderEnvironment>;
  /** Sends `signal` to every process in the group; a group that is gone is not an error. */
  kill(pgid: number, signal: NodeJS.Signals): void;
}

/**
 * Linux reads /proc (a zombie left unreaped by an init that does not reap
 * still answers signals, so it is not counted as alive); elsewhere a
 * signal 0 to the group answers.
 */
export type LeaderEnvironment = "match" | "other" | "gone" | "unreadable";

export const nodeProcessGroups: ProcessGroups = {
  async isAlive(pgid) {
    const members = await liveMembersFromProc(pgid);
    if (members !== undefined) return members > 0;
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  },
  async leaderEnvironment(pgid, name, value) {
    let bytes: Buffer;
    try {
      bytes = await readFile(`/proc/${pgid}/environ`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ESRCH") return "gone";
      // No /proc at all (not Linux) versus no such process.
      if (code === "ENOENT") return (await hasProc()) ? "gone" : "unreadable";
      if (code === "EACCES" || code === "EPERM") return "unreadable";
      throw error;
    }
    // A zombie's environ reads empty: it has exited.
    if (bytes.length === 0) return "gone";
    return bytes.toString("utf8").split("\0").includes(`${name}=${value}`) ? "match" : "other";
  },
  kill(pgid, signal) {
    try {
      process.kill(-pgid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  },
};

async function hasProc(): Promise<boolean> {
  try {
    await readFile("/proc/self/stat");
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Live members of the group from /proc, or undefined where there is no /proc. */
async function liveMembersFromProc(pgid: number): Promise<number | undefined> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let live = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, "utf8");
    } catch (error) {
      // Exited between readdir and here: not a member any more.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ESRCH") continue;
      throw error;
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    const group = Number(fields[2]);
    if (group === pgid && state !== "Z" && state !== "X") live += 1;
  }
  return live;
}
