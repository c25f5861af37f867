import { execFile } from "node:child_process";
import { access, constants, mkdir, readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";

/** Whether a limiting mechanism works here, and how; or why not. */
export type LimitSupport =
  | { readonly available: true; readonly detail: string }
  | { readonly available: false; readonly reason: string };

/** The three mechanisms the process layer limits a child with. */
export interface LimitSupportReport {
  /** `--max-old-space-size` through NODE_OPTIONS: always there, for Node programs. */
  readonly heap: LimitSupport;
  /** The util-linux `prlimit` binary: open files, file size, address space. */
  readonly prlimit: LimitSupport;
  /** A writable cgroup v1 memory controller; `detail` is where child cgroups are made. */
  readonly cgroupMemory: LimitSupport;
}

export interface LimitSupportOptions {
  /** The prlimit program. Default `"prlimit"` (looked up on PATH). */
  prlimit?: string;
  /** Where the cgroup v1 memory controller is mounted. Default `/sys/fs/cgroup/memory`. */
  cgroupMemoryRoot?: string;
  /**
   * The cgroup, under the root, that child cgroups are created in. Default:
   * this process's own memory cgroup (from /proc/self/cgroup), so the
   * children stay inside whatever limit this process already runs under.
   */
  cgroupParent?: string;
}

/**
 * Finds out, by trying, which limits can be applied on this machine: runs
 * `prlimit --version`, and creates and removes a probe cgroup.
 */
export async function checkLimitSupport(
  options: LimitSupportOptions = {},
): Promise<LimitSupportReport> {
  return {
    heap: {
      available: true,
      detail: "NODE_OPTIONS=--max-old-space-size=<MiB> (honoured by Node programs only)",
    },
    prlimit: await prlimitSupport(options.prlimit ?? "prlimit"),
    cgroupMemory: await cgroupMemorySupport(options),
  };
}

async function prlimitSupport(prlimit: string): Promise<LimitSupport> {
  if (process.platform !== "linux") {
    return { available: false, reason: `prlimit is Linux-only; this is ${process.platform}.` };
  }
  return new Promise((resolve) => {
    execFile(prlimit, ["--version"], (error, stdout, stderr) => {
      if (error === null) {
        resolve({ available: true, detail: `${prlimit}: ${stdout.trim()}` });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      resolve({
        available: false,
        reason:
          code === "ENOENT"
            ? `The prlimit program \`${prlimit}\` was not found (it comes with util-linux: apt-get install util-linux).`
            : `\`${prlimit} --version\` failed: ${stderr.trim() || error.message}`,
      });
    });
  });
}

async function cgroupMemorySupport(options: LimitSupportOptions): Promise<LimitSupport> {
  if (process.platform !== "linux") {
    return { available: false, reason: `cgroups are Linux-only; this is ${process.platform}.` };
  }
  const root = options.cgroupMemoryRoot ?? "/sys/fs/cgroup/memory";
  try {
    await access(join(root, "memory.limit_in_bytes"), constants.R_OK);
  } catch (error) {
    return {
      available: false,
      reason: `No cgroup v1 memory controller at ${root} (${describe(error)}); hosts with cgroup v2 only are not supported.`,
    };
  }
  const parent = join(root, options.cgroupParent ?? (await ownMemoryCgroup()));
  const probe = join(parent, `wfm-chaos-probe-${process.pid}`);
  try {
    await mkdir(probe);
  } catch (error) {
    return {
      available: false,
      reason: `Cannot create a memory cgroup under ${parent} (${describe(error)}); it needs root and a writable cgroup filesystem.`,
    };
  }
  await rmdir(probe);
  return { available: true, detail: parent };
}

/** This process's memory cgroup path, from a v1 line such as `4:memory:/a/b`. */
async function ownMemoryCgroup(): Promise<string> {
  const text = await readFile("/proc/self/cgroup", "utf8");
  for (const line of text.split("\n")) {
    const [, controllers = "", path = ""] = line.split(":");
    if (controllers.split(",").includes("memory")) return path;
  }
  return "/";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
