import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A real temporary directory, removed by `cleanup`. */
export async function tempDir(prefix = "wfm-engine-"): Promise<{
  dir: string;
  root: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    root: join(dir, ".workflowmaster"),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
