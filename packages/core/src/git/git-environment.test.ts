import { describe, expect, it } from "vitest";
import { gitEnvironment } from "./git-environment.js";

describe("gitEnvironment", () => {
  it("drops editors and pagers, keeps the rest, and forces what classification relies on", () => {
    const { env } = gitEnvironment(
      {
        PATH: "/usr/bin",
        EDITOR: "vim",
        VISUAL: "code",
        GIT_PAGER: "less",
        LC_ALL: "de_DE.UTF-8",
        HOME: "/home/u",
      },
      { LC_ALL: "fr_FR.UTF-8", EXTRA: "1" },
      undefined,
    );
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/u",
      EXTRA: "1",
      LC_ALL: "C",
      LANGUAGE: "C",
      GIT_TERMINAL_PROMPT: "0",
      GIT_OPTIONAL_LOCKS: "0",
    });
  });

  it("gives the identity to author and committer, over anything inherited", () => {
    const { env } = gitEnvironment(
      { GIT_AUTHOR_NAME: "Someone Else" },
      {},
      { name: "WorkflowMaster Bot", email: "bot@example.invalid" },
    );
    expect(env).toMatchObject({
      GIT_AUTHOR_NAME: "WorkflowMaster Bot",
      GIT_AUTHOR_EMAIL: "bot@example.invalid",
      GIT_COMMITTER_NAME: "WorkflowMaster Bot",
      GIT_COMMITTER_EMAIL: "bot@example.invalid",
    });
  });

  it("allows exactly the simple-git categories the remaining variables need", () => {
    expect(gitEnvironment({ PATH: "/bin" }, {}, undefined).unsafe).toEqual({});
    const { unsafe } = gitEnvironment(
      {
        GIT_SSH_COMMAND: "ssh -i key",
        SSH_ASKPASS: "/usr/bin/askpass",
        GIT_CONFIG_GLOBAL: "/tmp/gitconfig",
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "credential.https://example.com.helper",
        GIT_CONFIG_VALUE_0: "store",
        EDITOR: "vim",
      },
      {},
      undefined,
    );
    expect(unsafe).toEqual({
      allowUnsafeSshCommand: true,
      allowUnsafeAskPass: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeConfigEnvCount: true,
      allowUnsafeCredentialHelper: true,
    });
  });
});
