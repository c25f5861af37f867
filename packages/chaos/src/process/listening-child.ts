import { type ChildProcess, spawn } from "node:child_process";

/** A child process that announced `listening on URL` on its first stdout line. */
export interface ListeningChild {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM to the child's whole process group, then waits for it to exit. */
  stop(): Promise<void>;
}

export interface StartListeningChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the announcement (default 30 s). */
  timeoutMs?: number;
}

const ANNOUNCEMENT = /^listening on (http:\/\/\S+)\n/;

/**
 * Starts a server process that prints `listening on URL` first, the
 * convention of `workflowmaster-chaos toxiproxy | github-sim` and
 * `workflowmaster dashboard`. The child leads its own process group, so
 * `stop` also ends what it started (a bin that runs a second node). If it
 * exits or stays silent first, the promise rejects with its stderr, and a
 * silent child is stopped.
 */
export async function startListeningChild(
  command: string,
  args: readonly string[],
  options: StartListeningChildOptions = {},
): Promise<ListeningChild> {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const stop = () => stopGroup(child);
  // Output is kept only until the announcement (for the error message);
  // the streams keep flowing after it, so a chatty child never blocks.
  let announced = false;
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    if (!announced) stderr += chunk;
  });
  const name = [command, ...args].join(" ");
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(
        () => reject(new Error(`${name} did not announce its URL in time: ${stderr}`)),
        options.timeoutMs ?? 30_000,
      );
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        if (announced) return;
        stdout += chunk;
        const match = ANNOUNCEMENT.exec(stdout);
        if (match?.[1] !== undefined) {
          announced = true;
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before listening: ${stderr}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, stop };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
  await exited;
}
