import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { branchNameFor } from "./branch-name-for.js";

/** The real git's verdict, asked independently of the function under test. */
function gitAccepts(name: string): boolean {
  try {
    const printed = execFileSync("git", ["check-ref-format", "--branch", name], {
      cwd: tmpdir(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return printed.trim() === name;
  } catch {
    // check-ref-format exits non-zero for an invalid name: that is the answer.
    return false;
  }
}

const RUN_ID = "r-1/../x";
const FALLBACK = "wfm/run-r-1-x";

const HOSTILE_TITLES: ReadonlyArray<[string, string]> = [
  ["Add greeting", "wfm/add-greeting"],
  ["fix: crash (#123) in parser", "wfm/fix-crash-123-in-parser"],
  ["feature/..//x", "wfm/feature-x"],
  ["a..b", "wfm/a-b"],
  ["~tilde^caret:colon", "wfm/tilde-caret-colon"],
  ["with spaces   and\ttabs", "wfm/with-spaces-and-tabs"],
  ["日本語のタイトル", FALLBACK],
  ["Ünïcödé Çafé résumé", "wfm/unicode-cafe-resume"],
  ["@{-1}", "wfm/1"],
  ["@", FALLBACK],
  ["-leading-dash", "wfm/leading-dash"],
  ["name.lock", "wfm/name-lock"],
  ["", FALLBACK],
  ["   ", FALLBACK],
  ["$(rm -rf /)", "wfm/rm-rf"],
  ["--upload-pack=evil", "wfm/upload-pack-evil"],
  ["../../etc/passwd", "wfm/etc-passwd"],
  ["ctrl\u0000\u001b[31mred\u007f", "wfm/ctrl-31mred"],
  ["HEAD", "wfm/head"],
  ["refs/heads/main", "wfm/refs-heads-main"],
  ["a/.b/c.", "wfm/a-b-c"],
  ["*?[glob]\\", "wfm/glob"],
  ["emoji 🚀 launch", "wfm/emoji-launch"],
  ["Ⅻ ｆｕｌｌｗｉｄｔｈ", "wfm/xii-fullwidth"],
  ["x".repeat(10_000), `wfm/${"x".repeat(48)}`],
  [`${"word ".repeat(20)}end`, "wfm/word-word-word-word-word-word-word-word-word"],
];

describe("branchNameFor with hostile titles", () => {
  it.each(HOSTILE_TITLES)(
    "turns %j into %s, which the real git accepts",
    async (title, expected) => {
      const name = await branchNameFor(title, { runId: RUN_ID });
      expect(name).toBe(expected);
      expect(name).toMatch(/^wfm\/[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(gitAccepts(name)).toBe(true);
    },
  );
});

describe("branchNameFor fallbacks and options", () => {
  it("falls back to <prefix>run when neither title nor run id leaves anything", async () => {
    expect(await branchNameFor("!!!", { runId: "???" })).toBe("wfm/run");
    expect(gitAccepts("wfm/run")).toBe(true);
  });

  it("appends the run id and takes another prefix when asked", async () => {
    expect(
      await branchNameFor("Add greeting", { runId: "r1", appendRunId: true, prefix: "bot/wfm/" }),
    ).toBe("bot/wfm/add-greeting-r1");
    expect(await branchNameFor("Add greeting", { runId: "r1", prefix: "" })).toBe("add-greeting");
  });

  it("refuses bad options with a TypeError naming the field", async () => {
    await expect(branchNameFor("t", { runId: "" })).rejects.toThrow(/`runId`: must not be empty/);
    await expect(branchNameFor("t", { runId: "r1", prefix: "../" })).rejects.toThrow(/`prefix`/);
    await expect(branchNameFor("t", { runId: "r1", maxSlugLength: 2 })).rejects.toThrow(
      /`maxSlugLength`/,
    );
    await expect(branchNameFor(42 as unknown as string, { runId: "r1" })).rejects.toThrow(
      TypeError,
    );
  });

  it("takes git's word: a candidate git refuses is replaced by the fallback", async () => {
    const calls: string[] = [];
    const name = await branchNameFor("Add greeting", {
      runId: "r1",
      spawner: {
        pid: process.pid,
        isAlive: () => true,
        run: async (_command, args) => {
          const candidate = args[2] ?? "";
          calls.push(candidate);
          const valid = candidate !== "wfm/add-greeting";
          return {
            exitCode: valid ? 0 : 1,
            signal: null,
            stdout: valid ? `${candidate}\n` : "",
            stderr: valid ? "" : "fatal: nope",
          };
        },
      },
    });
    expect(name).toBe("wfm/run-r1");
    expect(calls).toEqual(["wfm/add-greeting", "wfm/run-r1"]);
  });
});
