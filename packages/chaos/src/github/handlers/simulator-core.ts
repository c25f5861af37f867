import { createHash } from "node:crypto";
import type { Clock } from "../../clock/clock.js";
import type { FaultJournal } from "../../journal/fault-journal.js";
import type { GithubFaultRules } from "../faults/github-fault-rules.js";
import type { GithubModel } from "../model/github-model.js";
import type { RecordedRequest } from "../recorded-request.js";

/** The content-creation secondary limit GitHub documents: 80 a minute, 500 an hour. */
export interface ContentCreationLimit {
  readonly perMinute: number;
  readonly perHour: number;
}

/** What every resolver shares: the model, the effects and the fault list. */
export interface SimulatorCore {
  readonly model: GithubModel;
  readonly clock: Clock;
  readonly journal: FaultJournal;
  readonly rules: GithubFaultRules;
  /** When set, the only token accepted; any other gets 401 Bad credentials. */
  readonly token: string | undefined;
  /** Web root for `html_url` fields. */
  readonly htmlUrl: string;
  readonly contentCreation: ContentCreationLimit | undefined;
  readonly searchIndexLagMs: number;
  /** A unique `x-github-request-id` (`XXXX:XXXX:XXXXXX:XXXXXX:XXXXXXXX`). */
  nextRequestId(): string;
  record(entry: Omit<RecordedRequest, "seq">): void;
  requests(): RecordedRequest[];
}

export interface SimulatorCoreOptions {
  model: GithubModel;
  clock: Clock;
  journal: FaultJournal;
  rules: GithubFaultRules;
  token: string | undefined;
  htmlUrl: string;
  contentCreation: ContentCreationLimit | undefined;
  searchIndexLagMs: number;
}

export function createSimulatorCore(options: SimulatorCoreOptions): SimulatorCore {
  const history: RecordedRequest[] = [];
  let requestCount = 0;
  return {
    ...options,
    nextRequestId() {
      requestCount += 1;
      // Opaque like GitHub's; the counter in the last part keeps ids unique.
      const hash = createHash("sha1").update(`request:${requestCount}`).digest("hex").toUpperCase();
      const counter = requestCount.toString(16).toUpperCase().padStart(8, "0");
      return `${hash.slice(0, 4)}:${hash.slice(4, 8)}:${hash.slice(8, 14)}:${hash.slice(14, 20)}:${counter}`;
    },
    record(entry) {
      history.push({ seq: history.length + 1, ...entry });
    },
    requests: () => history.map((entry) => ({ ...entry })),
  };
}
