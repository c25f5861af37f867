import type { Scenario } from "../../src/scenario.js";
import contentCreationLimit from "./content-creation-limit.js";
import crashAfterCreate from "./crash-after-create.js";
import crashAtFaultPoint from "./crash-at-fault-point.js";
import droppedConnections from "./dropped-connections.js";
import eventualConsistency from "./eventual-consistency.js";
import ghostWriteBranch from "./ghost-write-branch.js";
import ghostWriteComment from "./ghost-write-comment.js";
import ghostWriteIssue from "./ghost-write-issue.js";
import ghostWriteLabel from "./ghost-write-label.js";
import ghostWritePullRequest from "./ghost-write-pull-request.js";
import mixedFaults from "./mixed-faults.js";
import noFaultBaseline from "./no-fault-baseline.js";
import outageThenHeal from "./outage-then-heal.js";
import permissionRemovedMidRun from "./permission-removed-mid-run.js";
import preexistingIssueAndPr from "./preexisting-issue-and-pr.js";
import primaryRateLimit from "./primary-rate-limit.js";
import rollbackHalfDone from "./rollback-half-done.js";
import rollbackWithDrops from "./rollback-with-drops.js";
import secondaryRateLimit from "./secondary-rate-limit.js";
import serverErrorsBurst from "./server-errors-burst.js";
import slowResponses from "./slow-responses.js";
import tokenRevokedMidRun from "./token-revoked-mid-run.js";

/** The github scenarios, in report order. */
export const GITHUB_SCENARIOS: readonly Scenario[] = [
  noFaultBaseline,
  primaryRateLimit,
  secondaryRateLimit,
  contentCreationLimit,
  serverErrorsBurst,
  droppedConnections,
  ghostWriteIssue,
  ghostWritePullRequest,
  ghostWriteComment,
  ghostWriteLabel,
  ghostWriteBranch,
  outageThenHeal,
  slowResponses,
  mixedFaults,
  crashAfterCreate,
  crashAtFaultPoint,
  tokenRevokedMidRun,
  permissionRemovedMidRun,
  preexistingIssueAndPr,
  eventualConsistency,
  rollbackHalfDone,
  rollbackWithDrops,
];
