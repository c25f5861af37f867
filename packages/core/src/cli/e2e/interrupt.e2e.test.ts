import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eWorld, type E2eWorld } from "./fixtures/e2e-world.js";

/**
 * SIGINT and SIGTERM stop a run at a safe point (exit 130) and leave it
 * resumable; the interrupted implement attempts' work is kept under refs
 * named in the output; the inactivity watchdog stops a silent command.
 */
let world: E2eWorld;
beforeAll(async () => {
  world = await createE2eWorld("wfm-interrupt-");
}, 60_000);
afterAll(async () => {
  await world.close();
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 600; tries += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("interruption", () => {
  it("stops at a safe point on SIGINT and SIGTERM, resumes, and names the kept attempts", async () => {
    const dir = await world.clone("int");
    const go = join(world.root, "go");
    const command = `printf 'partial\\n' >> partial.txt; if [ -f '${go}' ]; then printf 'done\\n' > change.txt; else sleep 30; fi`;
    const started = world.spawnCli(
      ["run", "--title", "Interrupt me", "--implement", command, "--run-id", "i1"],
      { cwd: dir },
    );
    let stderr = "";
    started.child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    await until(
      () =>
        stat(join(dir, "partial.txt")).then(
          () => true,
          () => false,
        ),
      "the implement command to start",
    );
    started.child.kill("SIGINT");
    const interrupted = await started.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stdout).toBe(
      [
        "Run i1 was interrupted and stopped at a safe point; it can be resumed (at implement).",
        "  Issue:        #1 https://github.com/acme/widgets/issues/1",
        "  Branch:       wfm/interrupt-me-i1",
        "  Resume it with: workflowmaster resume i1",
        "",
      ].join("\n"),
    );
    expect(interrupted.stderr).toContain("SIGINT: stopping at the next safe point");
    const status = JSON.parse(
      (await world.cli(["status", "i1", "--json"], { cwd: dir })).stdout,
    ) as {
      state: string;
      phases: { name: string; status: string; attempts: number }[];
    };
    expect(status.state).toBe("running");
    expect(status.phases.find((phase) => phase.name === "implement")).toEqual({
      name: "implement",
      status: "intent",
      attempts: 1,
    });

    // Resumed without the go-ahead: the second attempt hangs too, and SIGTERM stops it.
    const resumed = world.spawnCli(["resume", "i1"], { cwd: dir });
    await until(
      async () => (await world.git(["for-each-ref", "refs/workflowmaster/i1/"], dir)) !== "",
      "the first attempt's work to be kept",
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    resumed.child.kill("SIGTERM");
    const terminated = await resumed.done;
    expect(terminated.code, terminated.stderr).toBe(130);

    await writeFile(go, "");
    const finished = await world.cli(["resume", "i1"], { cwd: dir });
    expect(finished.code, finished.stderr).toBe(0);
    const kept = finished.stdout.split("\n").filter((line) => line.includes("Kept the work"));
    expect(kept.map((line) => line.replace(/\([0-9a-f]{12}\)$/, "(sha)"))).toEqual([
      "  Kept the work of an interrupted implement attempt: refs/workflowmaster/i1/implement-attempt-1 (sha)",
      "  Kept the work of an interrupted implement attempt: refs/workflowmaster/i1/implement-attempt-2 (sha)",
    ]);
    for (const attempt of [1, 2]) {
      expect(
        await world.git(
          ["show", `refs/workflowmaster/i1/implement-attempt-${attempt}:partial.txt`],
          dir,
        ),
      ).toBe("partial\n");
    }
    // The change is the third attempt's alone: each attempt started from the clean tree.
    const branch = (await world.git(["symbolic-ref", "--short", "HEAD"], dir)).trim();
    expect(await world.git(["show", `${branch}:partial.txt`], dir)).toBe("partial\n");
    expect(await world.git(["show", `${branch}:change.txt`], dir)).toBe("done\n");
    expect(stderr).toContain("implement: attempt 1 started");
  }, 90_000);

  it("stops a silent implement command with the inactivity watchdog and pauses with guidance", async () => {
    const dir = await world.clone("quiet");
    const result = await world.cli(
      [
        "run",
        "--title",
        "Too quiet",
        "--implement",
        "echo starting; sleep 30",
        "--implement-inactivity",
        "2s",
        "--run-id",
        "q1",
      ],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /implement: attempt 1 failed \(WFM-PHASE-INACTIVE: No progress for 2000 ms \(last progress: starting\); the attempt was aborted\.\); retrying in/,
    );
    const error = result.stderr.split("\n").find((line) => line.startsWith("Error "));
    expect(error).toMatch(
      /^Error WFM-RETRY-EXHAUSTED: Gave up after 2 attempts .*; last: WFM-PHASE-INACTIVE: No progress for 2000 ms \(last progress: starting\); the attempt was aborted\.$/,
    );
    expect(result.stderr).toContain("  Next: workflowmaster resume q1");
  }, 60_000);
});
