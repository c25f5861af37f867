import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodePorts } from "../ports/index.js";
import { stateRoot } from "../state/index.js";
import { type DashboardServer, startDashboardServer } from "./dashboard-server.js";
import {
  createFaultyRunWorld,
  type FaultyRunWorld,
  NAME,
  OWNER,
} from "./fixtures/faulty-run-world.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Git-ignored (`**\/reports/latest/`): a test artifact, not a source file. */
const SCREENSHOT = fileURLToPath(new URL("../../reports/latest/dashboard.png", import.meta.url));
/** Not a `ghp_` shape: only the dashboard's literal redaction can keep it off the page. */
const TOKEN = "dashboard-browser-secret-7d1e9b";
const RUN = "r1";

function chromiumOrExplain(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The dashboard is checked in headless Chromium, but ${CHROMIUM} does not exist. Install Debian's package: \`apt-get update && apt-get install -y chromium\` (.ci/run does this before the tests).`,
    );
  }
}

let world: FaultyRunWorld;
let dashboard: DashboardServer;
let profile: string;
let context: BrowserContext;
const logged: string[] = [];

beforeAll(async () => {
  chromiumOrExplain();
  // Each of GitHub's create calls fails five times in a row: that spends the
  // run's retry budget, so the phase fails and the run pauses (twice) — 2
  // failed attempts of 9, above the 20 % error-rate threshold.
  world = await createFaultyRunWorld({
    token: TOKEN,
    clockFactor: 20,
    faults: [
      { endpoint: "issues.create", times: 5, fault: { kind: "server-error", status: 503 } },
      { endpoint: "pulls.create", times: 5, fault: { kind: "server-error", status: 503 } },
    ],
  });
  // An older run with the token in an error message and a malformed line.
  const planted = join(stateRoot(world.repoDir), "runs", "r0-planted");
  await mkdir(planted, { recursive: true });
  await writeFile(
    join(planted, "events.ndjson"),
    [
      JSON.stringify({
        at: "2026-01-01T00:00:00.000Z",
        type: "run.started",
        runId: "r0-planted",
        workflow: "dev",
      }),
      "{this line is not an event",
      JSON.stringify({
        at: "2026-01-01T00:00:01.000Z",
        type: "run.failed",
        runId: "r0-planted",
        error: {
          code: "WFM-GITHUB-BAD-CREDENTIALS",
          kind: "permanent",
          message: `token ${TOKEN} was refused`,
          guidance: "Renew it.",
        },
      }),
      "",
    ].join("\n"),
  );
  dashboard = await startDashboardServer({
    repoDir: world.repoDir,
    ports: nodePorts(),
    env: { GITHUB_TOKEN: TOKEN },
    log: (line) => logged.push(line),
    pollMs: 50,
  });
  profile = await mkdtemp(join(tmpdir(), "wfm-dashboard-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1800 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.close();
  await world?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

/** What the page shows of the run now: its state and each phase's status. */
function shown(page: Page): Promise<string> {
  // A string, not a function: core's TypeScript has no DOM types.
  return page.evaluate(`(() => {
    const run = document.querySelector('article[data-run-id="${RUN}"]');
    if (run === null) return "absent";
    const phases = [...run.querySelectorAll("tr[data-phase]")].map(
      (row) => row.getAttribute("data-phase") + "=" + row.getAttribute("data-status"),
    );
    return run.getAttribute("data-state") + " " + phases.join(" ");
  })()`);
}

describe("the dashboard in a browser, while a faulty run goes on", () => {
  it("shows the phases advance, raises the error-rate alert, acknowledges it, without a console error", async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") {
        problems.push(`console.${message.type()}: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(dashboard.url, { waitUntil: "load" });
    await page.waitForSelector("#connection[data-state=live]");
    await page.waitForSelector('#problems li[data-run-id="r0-planted"]');
    expect(await page.textContent("#problems")).toContain("Line 2 of ");

    // Everything the page showed of the run, in order, sampled as it runs.
    const seen: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const now = await shown(page);
        if (seen.at(-1) !== now) seen.push(now);
        await page.waitForTimeout(40);
      }
    })();

    const cli = (args: string[]) => world.cli(args);
    const first = await cli([
      "run",
      "--title",
      "Add a greeting",
      "--implement",
      "sleep 1; echo hello >> change.txt",
      "--run-id",
      RUN,
      "--github-repo",
      `${OWNER}/${NAME}`,
    ]);
    expect(first.code, first.err).toBe(3);
    await page.waitForSelector(
      `article[data-run-id="${RUN}"][data-state="paused"] tr[data-phase="issue"][data-status="failed"]`,
    );

    const second = await cli(["resume", RUN]);
    expect(second.code, second.err).toBe(3);
    await page.waitForSelector(
      `article[data-run-id="${RUN}"][data-state="paused"] tr[data-phase="pull-request"][data-status="failed"]`,
    );
    const alert = page.locator(`li.alert[data-run-id="${RUN}"][data-code="ALERT-ERROR-RATE"]`);
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      "2 of the last 8 phase attempts failed (25%, threshold 20%).",
    );
    await alert.getByRole("button", { name: "Acknowledge" }).click();
    await alert.waitFor({ state: "detached" });
    expect(await page.textContent("#ack-status")).toBe(
      `Acknowledged ALERT-ERROR-RATE of run ${RUN}.`,
    );
    const events = (
      await readFile(join(stateRoot(world.repoDir), "runs", RUN, "events.ndjson"), "utf8")
    )
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; code?: string });
    expect(events.filter((event) => event.type === "alert.acknowledged")).toEqual([
      expect.objectContaining({ type: "alert.acknowledged", runId: RUN, code: "ALERT-ERROR-RATE" }),
    ]);

    const third = await cli(["resume", RUN]);
    expect(third.code, third.err).toBe(0);
    await page.waitForSelector(`article[data-run-id="${RUN}"][data-state="completed"]`);
    watching = false;
    await watcher;
    // The watcher may have stopped between samples: what the page shows now comes last.
    const final = await shown(page);
    if (seen.at(-1) !== final) seen.push(final);

    const phases = ["preflight", "issue", "branch", "implement", "commit", "push", "pull-request"];
    expect(seen.at(-1)).toBe(`completed ${phases.map((phase) => `${phase}=completed`).join(" ")}`);
    const runStates = [...new Set(seen.map((entry) => entry.split(" ")[0]))];
    expect(runStates.includes("paused")).toBe(true);
    expect(runStates.at(-1)).toBe("completed");
    const issueStatuses = [
      ...new Set(seen.flatMap((entry) => /issue=(\S+)/.exec(entry)?.[1] ?? [])),
    ];
    expect(issueStatuses.includes("failed")).toBe(true);
    expect(issueStatuses.at(-1)).toBe("completed");
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(await page.locator(`li.alert[data-run-id="${RUN}"]`).count()).toBe(0);
    expect(await page.textContent("#recovery")).toContain("resumed after a pause2");
    expect(await page.textContent("#chaos")).toBe(
      `No chaos report found at ${join(world.repoDir, "reports", "latest", "report.json")}. Run pnpm chaos to make one.`,
    );

    // A chaos report written now (after the run: it would have made the tree dirty) is drawn.
    await mkdir(join(world.repoDir, "reports", "latest"), { recursive: true });
    await writeFile(
      join(world.repoDir, "reports", "latest", "report.json"),
      JSON.stringify(CHAOS_REPORT),
    );
    await page.waitForSelector("#chart-chaos-scenarios svg rect");
    expect(await page.locator("#chart-chaos-scenarios svg rect").count()).toBe(2);
    expect(await page.locator("#chart-health svg circle").count()).toBeGreaterThan(0);

    const html = await page.content();
    expect(html.includes(TOKEN)).toBe(false);
    expect(logged.join("").includes(TOKEN)).toBe(false);
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

const CHAOS_REPORT = {
  schemaVersion: 1,
  seeds: [1, 2, 3],
  targets: {
    successUnderNoFaults: 0.99,
    recoveryFromTransient: 0.95,
    dataLoss: 0,
    duplicates: 0,
    actionableErrors: 1,
    interventions: 0.1,
    timeToDetectMs: 30_000,
    timeToRecoverMs: 120_000,
  },
  metrics: {
    successUnderNoFaults: 1,
    recoveryFromTransient: 0.97,
    dataLoss: 0,
    duplicates: 0,
    actionableErrors: 1,
    interventions: 0.02,
    interventionsAllFaults: 0.25,
    timeToDetectMs: { count: 6, p50: 200, p95: 4300, max: 15_500 },
    timeToRecoverMs: { count: 6, p50: 850, p95: 9900, max: 67_000 },
    runs: 6,
    failedRuns: 0,
  },
  gate: { passed: true, missed: [] },
  scenarios: [
    {
      name: "engine/no-fault-baseline",
      tags: ["baseline"],
      runs: 3,
      passed: 3,
      faultsFired: 0,
      vacuous: [],
    },
    {
      name: "github/outage-then-heal",
      tags: ["transient"],
      runs: 3,
      passed: 3,
      faultsFired: 9,
      vacuous: [],
    },
  ],
};
