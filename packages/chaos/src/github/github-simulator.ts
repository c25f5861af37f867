import { type HttpHandler, HttpResponse } from "msw";
import { z } from "zod";
import type { Clock } from "../clock/clock.js";
import { clockOption, journalOption, randomOption } from "../fault-points/option-schemas.js";
import type { FaultJournal } from "../journal/fault-journal.js";
import { parseOptions } from "../options/parse-options.js";
import type { Random } from "../seed/random.js";
import type { GithubFaultRule } from "./faults/github-fault-rule.js";
import { createGithubFaultRules } from "./faults/github-fault-rules.js";
import { createGithubHandlers } from "./handlers/create-github-handlers.js";
import type { ServeMode } from "./handlers/endpoint-resolver.js";
import { createSimulatorCore, type SimulatorCore } from "./handlers/simulator-core.js";
import { createGithubModel, type GithubModel } from "./model/github-model.js";
import type { GithubModelSnapshot, IssueRecord, PullRecord } from "./model/model-records.js";
import type { RateLimits } from "./model/rate-limit-buckets.js";
import type { RecordedRequest } from "./recorded-request.js";

export interface GithubSimulatorOptions {
  /** Timestamps, rate-limit windows, latency faults and time windows use this clock. */
  clock: Clock;
  /** Draws for `probability` rules: give it its own stream (`seed.stream("github")`). */
  random: Random;
  /** Every injected fault is recorded here (layer `github`). */
  journal: FaultJournal;
  /** API root the in-process handlers answer (default `https://api.github.com`). */
  baseUrl?: string;
  /** Web root for `html_url` fields (default `https://github.com`). */
  htmlUrl?: string;
  /** When set, the only accepted token: any other gets 401 `Bad credentials`. */
  token?: string;
  /** Repositories to create, `OWNER/NAME` (default none). */
  repos?: string[];
  /** A bare repository backing the first of `repos` (refs and shas through real git). */
  gitDir?: string;
  /** The token's login (default `octocat`). */
  login?: string;
  /** The initial fault list; `faults.use()` puts overrides in front, `faults.reset()` restores it. */
  faults?: GithubFaultRule[];
  /** Bucket sizes (default core 5000/h, search 30/min; anonymous 60/h, 10/min). */
  rateLimits?: Partial<RateLimits>;
  /** Refuse content creation past 80 a minute / 500 an hour, as GitHub does (default off). */
  contentCreationLimit?: boolean | { perMinute?: number; perHour?: number };
  /** New issues appear in search results this long after creation (default 0). */
  searchIndexLagMs?: number;
  /** Continue from a model written out with `model.toJSON()` (then `repos` must be new names). */
  snapshot?: GithubModelSnapshot;
}

/** Seeds the model with what "already exists" and journals it as a fault. */
export interface GithubFaults {
  /** Puts rules in front of the current ones (runtime overrides, msw's `use`). */
  use(...rules: GithubFaultRule[]): void;
  /** Back to the initial list from the options, with every count cleared. */
  reset(): void;
  /** An issue that already exists (e.g. one a previous run created). */
  preexistingIssue(input: {
    repo?: string;
    title: string;
    body?: string | null;
    labels?: string[];
    state?: "open" | "closed";
  }): IssueRecord;
  /** A branch that already exists, `commits` commits (default 1) ahead of `from` (default branch). */
  preexistingBranch(input: {
    repo?: string;
    branch: string;
    from?: string;
    commits?: number;
  }): Promise<string>;
  /** An open pull request that already exists; its head branch is created when missing. */
  preexistingPull(input: {
    repo?: string;
    head: string;
    base?: string;
    title: string;
    body?: string | null;
  }): Promise<{ issue: IssueRecord; pull: PullRecord }>;
}

/** A GitHub REST API simulator: msw handlers over a stateful model, with faults. */
export interface GithubSimulator {
  readonly baseUrl: string;
  readonly model: GithubModel;
  /** msw handlers answering `baseUrl` (for `setupServer`; see `listenInProcess`). */
  readonly handlers: HttpHandler[];
  readonly faults: GithubFaults;
  /** Every request so far, with its endpoint and status: the history checkers read. */
  requests(): RecordedRequest[];
  /** The same handlers for another transport (used by `listenHttp`). */
  handlersFor(mode: ServeMode, root: string): HttpHandler[];
}

const urlOption = (field: string) =>
  z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: `must be an http(s) URL, such as https://api.github.com (${field})`,
  });

const optionsSchema = z.strictObject({
  clock: clockOption,
  random: randomOption,
  journal: journalOption,
  baseUrl: urlOption("baseUrl").optional(),
  htmlUrl: urlOption("htmlUrl").optional(),
  token: z.string().min(1, "must be a non-empty token").optional(),
  repos: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must be OWNER/NAME")).optional(),
  gitDir: z.string().min(1, "must be a path to a bare repository").optional(),
  login: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, "must be a GitHub login")
    .optional(),
  faults: z.array(z.unknown()).optional(),
  rateLimits: z
    .strictObject({
      core: z.number().int().positive("must be a positive integer").optional(),
      search: z.number().int().positive("must be a positive integer").optional(),
      anonymousCore: z.number().int().positive("must be a positive integer").optional(),
      anonymousSearch: z.number().int().positive("must be a positive integer").optional(),
    })
    .optional(),
  contentCreationLimit: z
    .union([
      z.boolean(),
      z.strictObject({
        perMinute: z.number().int().positive("must be a positive integer").optional(),
        perHour: z.number().int().positive("must be a positive integer").optional(),
      }),
    ])
    .optional(),
  searchIndexLagMs: z.number().min(0, "must be >= 0").optional(),
  snapshot: z
    .custom<GithubModelSnapshot>(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        (value as { version?: unknown }).version === 1,
      { error: "must be a snapshot from model.toJSON()" },
    )
    .optional(),
});

export function createGithubSimulator(options: GithubSimulatorOptions): GithubSimulator {
  const parsed = parseOptions(optionsSchema, options, "createGithubSimulator options");
  if (parsed.gitDir !== undefined && (parsed.repos ?? []).length === 0) {
    throw new TypeError(
      "Invalid createGithubSimulator options: gitDir: backs the first of repos, so repos needs at least one OWNER/NAME.",
    );
  }
  const baseUrl = (parsed.baseUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const model = createGithubModel({
    clock: parsed.clock,
    ...(parsed.login === undefined ? {} : { login: parsed.login }),
    ...(parsed.rateLimits === undefined ? {} : { rateLimits: parsed.rateLimits }),
    ...(parsed.snapshot === undefined ? {} : { snapshot: parsed.snapshot }),
  });
  for (const [index, fullName] of (parsed.repos ?? []).entries()) {
    model.addRepo(
      fullName,
      index === 0 && parsed.gitDir !== undefined ? { gitDir: parsed.gitDir } : {},
    );
  }
  const rules = createGithubFaultRules((options.faults ?? []) as GithubFaultRule[], parsed.random);
  const limit = parsed.contentCreationLimit;
  const core: SimulatorCore = createSimulatorCore({
    model,
    clock: parsed.clock,
    journal: parsed.journal,
    rules,
    token: parsed.token,
    htmlUrl: (parsed.htmlUrl ?? "https://github.com").replace(/\/+$/, ""),
    contentCreation:
      limit === undefined || limit === false
        ? undefined
        : {
            perMinute: (limit === true ? undefined : limit.perMinute) ?? 80,
            perHour: (limit === true ? undefined : limit.perHour) ?? 500,
          },
    searchIndexLagMs: parsed.searchIndexLagMs ?? 0,
  });
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const handlers = createGithubHandlers(
    core,
    { apiUrl: baseUrl, basePath, dropped: () => HttpResponse.error() },
    baseUrl,
  );

  const repoOf = (repo: string | undefined): string => {
    const name = repo ?? model.repoNames()[0];
    if (name === undefined || model.repo(name) === undefined) {
      throw new TypeError(
        `No repository ${name ?? "(none given)"} in the simulator. Pass repos: ["OWNER/NAME"] or add it with model.addRepo.`,
      );
    }
    return name;
  };
  const journalPreexisting = (fault: string, target: string) =>
    parsed.journal.record({ layer: "github", fault, target, outcome: "seeded" });

  const preexistingBranch: GithubFaults["preexistingBranch"] = async (input) => {
    const repo = repoOf(input.repo);
    const record = model.repo(repo);
    const git = model.git(repo);
    const from = input.from ?? record?.defaultBranch ?? "main";
    let sha = await git.getRef(`refs/heads/${from}`);
    if (sha === undefined)
      throw new TypeError(`No branch ${from} in ${repo} to start ${input.branch} from.`);
    for (let index = 0; index < (input.commits ?? 1); index += 1) {
      sha = await git.createCommit({
        parents: [sha],
        message: `${input.branch}: commit ${index + 1}`,
      });
    }
    await git.setRef(`refs/heads/${input.branch}`, sha);
    journalPreexisting("preexisting-branch", `${repo} refs/heads/${input.branch}`);
    return sha;
  };

  const faults: GithubFaults = {
    use: (...added) => rules.use(...added),
    reset: () => rules.reset(),
    preexistingIssue(input) {
      const repo = repoOf(input.repo);
      const issue = model.createIssue(repo, {
        title: input.title,
        body: input.body ?? null,
        labels: input.labels ?? [],
      });
      if (input.state === "closed") {
        issue.state = "closed";
        issue.closedAt = parsed.clock.now();
        issue.stateReason = "completed";
      }
      journalPreexisting("preexisting-issue", `${repo}#${issue.number}`);
      return issue;
    },
    preexistingBranch,
    async preexistingPull(input) {
      const repo = repoOf(input.repo);
      const record = model.repo(repo);
      const git = model.git(repo);
      const baseRef = input.base ?? record?.defaultBranch ?? "main";
      const baseSha = await git.getRef(`refs/heads/${baseRef}`);
      if (baseSha === undefined) throw new TypeError(`No base branch ${baseRef} in ${repo}.`);
      let headSha = await git.getRef(`refs/heads/${input.head}`);
      if (headSha === undefined) {
        headSha = await preexistingBranch({ repo, branch: input.head, from: baseRef });
      }
      const created = model.createPull(repo, {
        title: input.title,
        body: input.body ?? null,
        headOwner: record?.owner ?? model.login,
        headRef: input.head,
        headSha,
        baseRef,
        baseSha,
        commits: await git.countCommits(baseSha, headSha),
      });
      journalPreexisting("preexisting-pull", `${repo}#${created.pull.number}`);
      return created;
    },
  };

  return {
    baseUrl,
    model,
    handlers,
    faults,
    requests: () => core.requests(),
    handlersFor: (mode, root) => createGithubHandlers(core, mode, root),
  };
}
