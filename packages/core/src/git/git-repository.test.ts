import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { createTempRepository } from "@workflowmaster/chaos";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../ports/virtual-clock.js";
import { BRANCH, IDENTITY, openRepository, writeWork } from "./fixtures/git-fixtures.js";
import { createGitRepository } from "./git-repository.js";

describe("identity", () => {
  it("comes from each command's environment and never reaches any config", async () => {
    const temp = await createTempRepository();
    try {
      const configBefore = await temp.git(["config", "--list", "--show-origin"]);
      const { repo } = openRepository(temp.dir, {
        identity: { name: "Run Bot", email: "run-bot@example.invalid" },
      });
      await repo.createBranch(BRANCH);
      await writeWork(temp);
      await repo.commitAll("Add a greeting");
      await repo.push(BRANCH);
      expect(await temp.git(["log", "-1", "--format=%an <%ae> %cn <%ce>"])).toBe(
        "Run Bot <run-bot@example.invalid> Run Bot <run-bot@example.invalid>\n",
      );
      expect(await temp.git(["config", "--list", "--show-origin"])).toBe(configBefore);
    } finally {
      await temp.cleanup();
    }
  });
});

describe("one git operation at a time per repository", () => {
  it("makes a second instance, reached through a symlink, wait for the first one's operation", async () => {
    const temp = await createTempRepository();
    try {
      const link = join(temp.root, "link");
      await symlink(temp.dir, link);
      const events: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reached: () => void = () => undefined;
      const inside = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const first = createGitRepository({
        dir: temp.dir,
        clock: createVirtualClock(Date.now()),
        identity: IDENTITY,
        faultPoints: {
          hit: async () => {
            events.push("first: inside its commit");
            reached();
            await gate;
          },
        },
      });
      const second = createGitRepository({ dir: link, clock: createVirtualClock(Date.now()) });
      await writeWork(temp);
      const committing = first.commitAll("first");
      await inside;
      const reading = second.headSha().then((sha) => {
        events.push("second: read HEAD");
        return sha;
      });
      // Room for the second instance to run, were it not held back.
      await new Promise((resolve) => setTimeout(resolve, 300));
      events.push("first: released");
      release();
      const [commit, sha] = await Promise.all([committing, reading]);
      expect(events).toEqual(["first: inside its commit", "first: released", "second: read HEAD"]);
      expect(sha).toBe(commit.sha);
    } finally {
      await temp.cleanup();
    }
  });
});

describe("createGitRepository options", () => {
  it("refuses bad options with a TypeError naming each bad field", () => {
    const clock = createVirtualClock();
    expect(() => createGitRepository({ dir: "", clock })).toThrow(
      /`dir`: must be the repository's directory/,
    );
    expect(() => createGitRepository({ dir: "/tmp", clock: {} as never })).toThrow(
      /`clock`: must be a Clock/,
    );
    expect(() => createGitRepository({ dir: "/tmp", clock, remote: "--upload-pack=x" })).toThrow(
      /`remote`/,
    );
    expect(() =>
      createGitRepository({ dir: "/tmp", clock, identity: { name: "A <a>", email: "a@b" } }),
    ).toThrow(/`identity.name`: must not contain </);
    expect(() => createGitRepository({ dir: "/tmp", clock, staleLockAgeMs: -1 } as never)).toThrow(
      /`staleLockAgeMs`/,
    );
    expect(() => createGitRepository({ dir: "/tmp", clock, colour: "red" } as never)).toThrow(
      /colour/,
    );
  });
});
