import type { ErrorCode } from "./catalogue.js";

/** Where a failure comes from, for grouping codes in `explain` and the docs. */
export const ErrorArea = {
  RunStore: "run-store",
  Engine: "engine",
  Resources: "resources",
  Git: "git",
  GitHub: "github",
  Network: "network",
  Filesystem: "filesystem",
  WorkflowCli: "workflow-cli",
} as const;
export type ErrorArea = (typeof ErrorArea)[keyof typeof ErrorArea];

/** The areas in the order the docs list them, with their headings. */
export const ERROR_AREAS: readonly { readonly area: ErrorArea; readonly heading: string }[] = [
  { area: ErrorArea.RunStore, heading: "Run store" },
  { area: ErrorArea.Engine, heading: "Engine" },
  { area: ErrorArea.Resources, heading: "Resources" },
  { area: ErrorArea.Git, heading: "git" },
  { area: ErrorArea.GitHub, heading: "GitHub" },
  { area: ErrorArea.Network, heading: "Network" },
  { area: ErrorArea.Filesystem, heading: "Filesystem and machine" },
  { area: ErrorArea.WorkflowCli, heading: "Workflow and command line" },
];

// Codes whose prefix alone would put them in the wrong area.
const EXCEPTIONS: Readonly<Record<string, ErrorArea>> = {
  "WFM-RUN-NOT-STARTED": ErrorArea.RunStore,
  "WFM-DISK-LOW": ErrorArea.Resources,
  "WFM-MEMORY-LOW": ErrorArea.Resources,
  "WFM-FD-LOW": ErrorArea.Resources,
  "WFM-OPERATION-TIMEOUT": ErrorArea.Engine,
  "WFM-INTERRUPTED": ErrorArea.Engine,
  "WFM-INTERNAL": ErrorArea.Engine,
  "WFM-ERROR-UNCLASSIFIED": ErrorArea.Engine,
};

// First match wins.
const PREFIXES: readonly (readonly [string, ErrorArea])[] = [
  ["WFM-RUN-", ErrorArea.RunStore],
  ["WFM-STATE-", ErrorArea.RunStore],
  ["WFM-PHASE-", ErrorArea.Engine],
  ["WFM-RETRY-", ErrorArea.Engine],
  ["WFM-ROLLBACK-", ErrorArea.Engine],
  ["WFM-GITHUB-", ErrorArea.GitHub],
  ["WFM-GIT-", ErrorArea.Git],
  ["WFM-NET-", ErrorArea.Network],
  ["WFM-DISK-", ErrorArea.Filesystem],
  ["WFM-FS-", ErrorArea.Filesystem],
  ["WFM-FILE-", ErrorArea.Filesystem],
  ["WFM-FD-", ErrorArea.Filesystem],
  ["WFM-MEMORY-", ErrorArea.Filesystem],
  ["WFM-IMPLEMENT-", ErrorArea.WorkflowCli],
  ["WFM-DEV-", ErrorArea.WorkflowCli],
  ["WFM-CLI-", ErrorArea.WorkflowCli],
  ["WFM-COMMAND-", ErrorArea.WorkflowCli],
];

/**
 * The area of a code. A code no rule knows lands in "workflow-cli", the
 * catch-all; a test keeps every catalogue code placed by a rule.
 */
export function areaOf(code: ErrorCode): ErrorArea {
  return areaRuleFor(code) ?? ErrorArea.WorkflowCli;
}

/** The area an exception or prefix rule gives, or undefined when none matches. */
export function areaRuleFor(code: string): ErrorArea | undefined {
  return EXCEPTIONS[code] ?? PREFIXES.find(([prefix]) => code.startsWith(prefix))?.[1];
}
