// For tests only: validates what the simulator sends against GitHub's OpenAPI description.
import type { GithubSimulator } from "./github-simulator.js";
import {
  type GithubOpenApiValidator,
  operationIdOf,
  type SchemaSource,
} from "./openapi-validator.js";

/** One response the simulator gave, as checked. */
export interface ConformanceRecord {
  readonly endpoint: string;
  readonly operationId: string;
  readonly status: number;
  readonly source: SchemaSource;
  readonly valid: boolean;
  readonly errors: readonly string[];
}

export interface ConformanceRecorder {
  /** A `fetch` that checks every simulator response it passes on (give it to Octokit). */
  readonly fetch: typeof fetch;
  records(): ConformanceRecord[];
  /** `endpoint status` pairs seen, sorted, each once. */
  combinations(): string[];
  failures(): ConformanceRecord[];
}

/**
 * Wraps `fetch` so each response from the simulator is validated against
 * GitHub's schema for its operation and status. The endpoint is found from
 * the response's `x-github-request-id` in the simulator's history.
 */
export function createConformanceRecorder(
  simulator: GithubSimulator,
  validator: GithubOpenApiValidator,
  baseFetch: typeof fetch = (input, init) => globalThis.fetch(input, init),
): ConformanceRecorder {
  const records: ConformanceRecord[] = [];
  const checkedFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    const requestId = response.headers.get("x-github-request-id");
    const entry = simulator.requests().find((request) => request.requestId === requestId);
    if (requestId === null || entry === undefined) {
      throw new Error(
        `A response without a known x-github-request-id (${String(requestId)}) reached the conformance recorder.`,
      );
    }
    const text = await response.clone().text();
    const operationId = entry.endpoint === "unknown" ? "meta/root" : operationIdOf(entry.endpoint);
    const result = validator.validate(
      operationId,
      response.status,
      response.headers.get("content-type") ?? "",
      text,
    );
    records.push({ endpoint: entry.endpoint, operationId, status: response.status, ...result });
    return response;
  };
  return {
    fetch: checkedFetch,
    records: () => [...records],
    combinations: () =>
      [...new Set(records.map((record) => `${record.endpoint} ${record.status}`))].sort(),
    failures: () => records.filter((record) => !record.valid),
  };
}
