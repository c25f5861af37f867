import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CATALOGUE, ERROR_CODES, render } from "../../errors/index.js";
import { memoryIo } from "../fixtures/memory-io.js";
import { runCli } from "../run-cli.js";

async function cli(args: string[]) {
  const io = memoryIo({ cwd: "/" });
  const code = await runCli(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe("explain CODE prints the catalogue entry", () => {
  it.each(ERROR_CODES.map((code) => [code]))(
    "%s exits 0 with its title, guidance and command",
    async (code) => {
      const entry = CATALOGUE.get(code);
      if (entry === undefined) throw new Error(`${code} is not in the catalogue`);
      const result = await cli(["explain", code]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout.split("\n")[0]).toBe(`${code}: ${entry.title}`);
      expect(result.stdout).toContain(`  ${render(entry.automatic, {})}\n`);
      expect(result.stdout).toContain(`  ${render(entry.guidance, {})}\n`);
      if (entry.command !== undefined) {
        expect(result.stdout).toContain(`Command\n  ${render(entry.command, {})}\n`);
      }
    },
  );

  it("finds a code whatever its case, with or without the WFM- prefix", async () => {
    const exact = await cli(["explain", "WFM-DISK-FULL"]);
    for (const typed of ["wfm-disk-full", "disk-full", " Wfm-Disk-Full "]) {
      const result = await cli(["explain", typed]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(exact.stdout);
    }
  });

  it("shows unfilled placeholders as copyable <NAME> markers", async () => {
    const result = await cli(["explain", "WFM-RUN-LOCKED"]);
    expect(result.stdout).toContain(
      "  Run <RUN_ID> is held by <HOLDER>. Wait for that process to finish, or stop it, then resume.\n",
    );
    expect(result.stdout).toContain("Command\n  workflowmaster resume <RUN_ID>\n");
  });

  it("prints the explanation as one JSON object with --json", async () => {
    const result = await cli(["explain", "wfm-github-rate-limited", "--json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed.code).toBe("WFM-GITHUB-RATE-LIMITED");
    expect(parsed.kind).toBe("transient");
    expect(parsed.area).toBe("github");
    expect(parsed.title).toBe("GitHub primary rate limit exhausted");
    expect(parsed.command).toBe("workflowmaster resume <RUN_ID>");
    expect(parsed.pausable).toBe(false);
  });
});

describe("explain refuses what it cannot explain with exit 2", () => {
  it("names the closest codes for an unknown code", async () => {
    const result = await cli(["explain", "WFM-DISK-FUL"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toBe(
      'Error WFM-CLI-USAGE: "WFM-DISK-FUL" is not a WorkflowMaster error code; the closest are WFM-DISK-FULL, WFM-DISK-LOW, WFM-DISK-IO. `workflowmaster explain --list` lists every code.',
    );
  });

  it("shows hostile input on one line without its control characters", async () => {
    const result = await cli(["explain", "WFM-\u001b[2J\nEVIL"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(
      /^Error WFM-CLI-USAGE: "WFM- \[2J EVIL" is not a WorkflowMaster error code; the closest are WFM-[A-Z-]+, WFM-[A-Z-]+, WFM-[A-Z-]+\./,
    );
    expect(result.stderr).not.toContain("\u001b");
  });

  it("asks for a code when none is given", async () => {
    const result = await cli(["explain"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "Error WFM-CLI-USAGE: Name an error code to explain (`workflowmaster explain WFM-DISK-FULL`), or list them with --list.",
    );
  });

  it("refuses a code together with --list", async () => {
    const result = await cli(["explain", "WFM-DISK-FULL", "--list"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      "Error WFM-CLI-USAGE: Give either a code or --list, not both.",
    );
  });
});

describe("explain --list lists every code", () => {
  it("prints exactly the catalogue's codes, in order, as JSON with --json", async () => {
    const result = await cli(["explain", "--list", "--json"]);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { code: string; kind: string; title: string }[];
    expect(rows.map((row) => row.code)).toEqual([...ERROR_CODES]);
    for (const row of rows) {
      const entry = CATALOGUE.get(row.code as (typeof ERROR_CODES)[number]);
      expect(row.kind).toBe(entry?.kind);
      expect(row.title).toBe(entry?.title);
    }
  });

  it("prints one line per code with its kind and title", async () => {
    const result = await cli(["explain", "--list"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.length).toBe(ERROR_CODES.length);
    expect(lines[0]).toMatch(/^WFM-RUN-LOCKED +environmental +Run is locked by another process$/);
  });
});

describe("the workflowmaster process runs explain", () => {
  it("exits 0 for a known code and 2 for an unknown one", async () => {
    const bin = fileURLToPath(new URL("../../../bin/workflowmaster.js", import.meta.url));
    const run = promisify(execFile);
    const known = await run(process.execPath, [bin, "explain", "wfm-net-dns"]);
    expect(known.stdout.split("\n")[0]).toBe("WFM-NET-DNS: Host name not resolved");
    const unknown = await run(process.execPath, [bin, "explain", "WFM-NOPE"]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^Error WFM-CLI-USAGE: "WFM-NOPE" is not a WorkflowMaster error code/,
    );
  }, 30_000);
});
