import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";
import { implementFacts, verifyRun } from "./fixtures/verify-run.js";

/**
 * A SIGKILL of the CLI while the implement command runs: the command is
 * not killed with it (it has its own process group) and would write into
 * the tree later. `resume` must stop it first, keep what it had written
 * under an attempt ref, and run it again from the clean tree — the change
 * applied once, also long after the run completed.
 */
let world: E2eWorld;
beforeAll(async () => {
  world = await createE2eWorld("wfm-kill-implement-");
}, 60_000);
afterAll(async () => {
  await world.close();
});

describe("SIGKILL during the implement command", () => {
  it("stops the orphaned command before the next attempt, keeps its partial work, applies the change once", async () => {
    const dir = await world.clone("orphan");
    const command = `touch started; sleep 2; printf '%s\\n' "$WORKFLOWMASTER_RUN_ID" >> change.txt`;
    const args = ["run", "--title", "Orphan", "--implement", command, "--run-id", "o1"];
    const { child, done } = world.spawnCli(args, { cwd: dir });
    for (let tries = 0; tries < 600; tries += 1) {
      if (
        await stat(join(dir, "started")).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");

    const resumed = await world.cli(["resume", "o1"], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(
      /\n {2}Kept the work of an interrupted implement attempt: refs\/workflowmaster\/o1\/implement-attempt-1 \([0-9a-f]{12}\)\n/,
    );
    expect(
      await world.git(
        ["show", "--name-only", "--format=", "refs/workflowmaster/o1/implement-attempt-1"],
        dir,
      ),
    ).toBe("started\n");
    expect(await implementFacts(dir, "o1")).toEqual({
      attempts: 2,
      stoppedLeftover: true,
      savedAttempts: 1,
    });
    // Long after the orphan would have written: still once, in the tree and on the remote.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await readFile(join(dir, "change.txt"), "utf8")).toBe("o1\n");
    expect((await verifyRun(world, "o1", "wfm/orphan-o1")).problems).toEqual([
      'the branch changes "change.txt\\nstarted\\n"',
    ]);
  }, 60_000);
});
