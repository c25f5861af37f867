import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOGUE, ERROR_CODES } from "./catalogue.js";
import { renderTroubleshootingGuide, TROUBLESHOOTING_GUIDE_PATH } from "./troubleshooting-guide.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const REGENERATE =
  "docs/troubleshooting.md is out of date: run `pnpm docs:generate` and commit it.";

describe("docs/troubleshooting.md is generated from the catalogue", () => {
  it("has a section for every catalogue code, and for nothing else", async () => {
    const committed = await readFile(`${root}${TROUBLESHOOTING_GUIDE_PATH}`, "utf8");
    const sections = [...committed.matchAll(/^### (\S+)$/gm)].map((match) => match[1]);
    const missing = ERROR_CODES.filter((code) => !sections.includes(code));
    expect(missing, REGENERATE).toEqual([]);
    expect(sections.length, REGENERATE).toBe(ERROR_CODES.length);
  });

  it("is exactly what the generator produces now", async () => {
    const committed = await readFile(`${root}${TROUBLESHOOTING_GUIDE_PATH}`, "utf8");
    // Compared as a boolean first so a drift reports the fix, not only a long diff.
    expect(committed === renderTroubleshootingGuide(), REGENERATE).toBe(true);
  });

  it("shows each code's command in a shell block and escapes placeholders in prose", () => {
    const guide = renderTroubleshootingGuide();
    expect(guide).toContain(
      "### WFM-DISK-FULL\n\n- **Kind:** environmental\n- **What it means:** The disk is full.",
    );
    expect(guide).toContain("```sh\ndf -h <PATH>\n```");
    expect(guide).toContain(
      "Free some space (finished runs under .workflowmaster/runs can go), then resume run &lt;RUN_ID&gt;.",
    );
  });
});

const RUNBOOKS = [
  "rate-limited.md",
  "token-revoked-or-lacking-permission.md",
  "disk-full.md",
  "corrupted-run-store.md",
  "git-conflict-or-diverged-remote.md",
  "killed-mid-run.md",
  "two-runs-on-one-repository.md",
  "network-outage.md",
];

async function runbook(name: string): Promise<string> {
  return readFile(`${root}docs/runbooks/${name}`, "utf8");
}

describe("docs/runbooks cover the situations operators meet", () => {
  it("holds the eight runbooks and an index linking each", async () => {
    const files = (await readdir(`${root}docs/runbooks`)).sort();
    expect(files).toEqual([...RUNBOOKS, "README.md"].sort());
    const index = await runbook("README.md");
    for (const name of RUNBOOKS) expect(index).toContain(`](${name})`);
  });

  it.each(RUNBOOKS.map((name) => [name]))(
    "%s has symptoms, what the engine does, and steps with workflowmaster commands",
    async (name) => {
      const text = await runbook(name);
      const headings = [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
      expect(headings).toEqual(["Symptoms", "What the engine does by itself", "What to do"]);
      expect(text).toMatch(/exit [0-9]+/);
      expect(text).toMatch(/WFM-[A-Z]/);
      expect(text).toMatch(/```sh\n[^`]*workflowmaster (status|resume|rollback|doctor|runs)/);
    },
  );

  it("cites only codes the catalogue has", async () => {
    const cited = new Set<string>();
    for (const name of [...RUNBOOKS, "README.md"]) {
      for (const match of (await runbook(name)).matchAll(/WFM-[A-Z0-9]+(?:-[A-Z0-9]+)*/g)) {
        cited.add(match[0]);
      }
    }
    const unknown = [...cited].filter(
      (code) => !CATALOGUE.has(code as (typeof ERROR_CODES)[number]),
    );
    expect(unknown).toEqual([]);
    expect(cited.size).toBeGreaterThan(40);
  });
});
