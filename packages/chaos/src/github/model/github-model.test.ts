import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../clock/virtual-clock.js";
import { createGithubModel, parseFullName } from "./github-model.js";

describe("repositories", () => {
  it("start with one commit on main and GitHub's nine default labels", async () => {
    const model = createGithubModel({ clock: createVirtualClock() });
    const repo = model.addRepo("octo/app");
    expect(repo).toMatchObject({
      owner: "octo",
      name: "app",
      defaultBranch: "main",
      private: false,
    });
    const refs = await model.git("octo/app").listRefs();
    expect(refs.map((ref) => ref.ref)).toEqual(["refs/heads/main"]);
    expect(refs[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(model.labels("octo/app").map((label) => label.name)).toEqual([
      "bug",
      "documentation",
      "duplicate",
      "enhancement",
      "good first issue",
      "help wanted",
      "invalid",
      "question",
      "wontfix",
    ]);
    expect(model.user("octo").type).toBe("Organization");
    expect(model.user("octocat").type).toBe("User");
  });

  it("refuses a name that is not OWNER/NAME and a duplicate, naming the value", () => {
    const model = createGithubModel({ clock: createVirtualClock() });
    expect(() => model.addRepo("no-slash")).toThrow(
      'Invalid repository "no-slash": expected OWNER/NAME, such as octocat/hello-world.',
    );
    model.addRepo("octo/app");
    expect(() => model.addRepo("Octo/App")).toThrow(
      "The repository Octo/App already exists in the simulator.",
    );
    expect(parseFullName("a-b/c.d")).toEqual({ owner: "a-b", name: "c.d" });
  });

  it("refuses a gitDir that is not a bare repository", () => {
    const model = createGithubModel({ clock: createVirtualClock() });
    expect(() => model.addRepo("octo/app", { gitDir: "/nonexistent/bare.git" })).toThrow(
      'Invalid gitDir "/nonexistent/bare.git": not a bare git repository. Create one with `git init --bare -b main DIR`.',
    );
  });
});

describe("issues and pulls", () => {
  it("share one number sequence per repository, as on GitHub", async () => {
    const model = createGithubModel({ clock: createVirtualClock() });
    model.addRepo("octo/app");
    model.addRepo("octo/other");
    expect(model.createIssue("octo/app", { title: "one" }).number).toBe(1);
    const main = (await model.git("octo/app").getRef("refs/heads/main")) as string;
    const { issue, pull } = model.createPull("octo/app", {
      title: "two",
      headOwner: "octo",
      headRef: "feature",
      headSha: main,
      baseRef: "main",
      baseSha: main,
      commits: 1,
    });
    expect([issue.number, pull.number, issue.pull]).toEqual([2, 2, true]);
    expect(model.createIssue("octo/app", { title: "three" }).number).toBe(3);
    expect(model.createIssue("octo/other", { title: "first elsewhere" }).number).toBe(1);
  });

  it("creates labels an issue names that do not exist yet, matching names case-insensitively", () => {
    const model = createGithubModel({ clock: createVirtualClock() });
    model.addRepo("octo/app");
    const issue = model.createIssue("octo/app", { title: "t", labels: ["BUG", "workflowmaster"] });
    expect(issue.labels).toEqual(["bug", "workflowmaster"]);
    expect(model.findLabel("octo/app", "WorkflowMaster")?.color).toBe("ededed");
  });
});

describe("serialising", () => {
  it("writes the whole model as JSON and continues from it", () => {
    const clock = createVirtualClock();
    const model = createGithubModel({ clock, login: "robot" });
    model.addRepo("robot/app");
    model.createIssue("robot/app", { title: "kept", body: "<!-- marker -->" });
    model.revokeToken("secret");
    const snapshot = JSON.parse(JSON.stringify(model.toJSON()));
    expect(JSON.stringify(snapshot)).not.toContain("secret");
    const restored = createGithubModel({ clock, snapshot });
    expect(restored.login).toBe("robot");
    expect(restored.issues("robot/app").map((issue) => issue.body)).toEqual(["<!-- marker -->"]);
    expect(restored.isRevoked("secret")).toBe(true);
    expect(restored.createIssue("robot/app", { title: "next" }).number).toBe(2);
  });
});
