import type { Observation, Scenario, SeenError } from "./scenario.js";

/** Jepsen-style verdict: `info` = could not be decided from this case. */
export interface Check {
  name: string;
  verdict: "ok" | "fail" | "info";
  detail?: string;
}

const ok = (name: string): Check => ({ name, verdict: "ok" });
const fail = (name: string, detail: string): Check => ({ name, verdict: "fail", detail });

/** An error a person can act on: a stable code, guidance, and the exact next command. */
export function isActionable(error: SeenError): boolean {
  return (
    /^WFM-[A-Z0-9]+(-[A-Z0-9]+)+$/.test(error.code) &&
    error.guidance.trim() !== "" &&
    error.command !== undefined &&
    error.command.trim() !== ""
  );
}

/** The invariants every case must hold, whatever its faults. */
export function checkCase(scenario: Scenario, observation: Observation): Check[] {
  const checks: Check[] = [];

  checks.push(
    observation.state === scenario.expect
      ? ok("expected-outcome")
      : fail(
          "expected-outcome",
          `ended ${observation.state}, expected ${scenario.expect}` +
            (observation.errors.length > 0
              ? ` (last error ${observation.errors.at(-1)?.code}: ${observation.errors.at(-1)?.message})`
              : ""),
        ),
  );

  const duplicates = [...observation.applications].filter(([, count]) => count > 1);
  checks.push(
    duplicates.length === 0
      ? ok("no-duplicates")
      : fail(
          "no-duplicates",
          duplicates.map(([key, count]) => `${key} applied ${count} times`).join("; "),
        ),
  );

  const lost = observation.expectedLive.filter((key) => !observation.live.has(key));
  const leftBehind = [...observation.live].filter((key) => !observation.expectedLive.includes(key));
  checks.push(
    lost.length === 0 && leftBehind.length === 0
      ? ok("world-matches-state")
      : fail(
          "world-matches-state",
          [
            lost.length > 0 ? `missing: ${lost.join(", ")}` : "",
            leftBehind.length > 0 ? `left behind: ${leftBehind.join(", ")}` : "",
          ]
            .filter(Boolean)
            .join("; "),
        ),
  );

  const unactionable = observation.errors.filter((error) => !isActionable(error));
  checks.push(
    unactionable.length === 0
      ? ok("errors-actionable")
      : fail(
          "errors-actionable",
          unactionable.map((error) => `${error.code}: ${error.message}`).join("; "),
        ),
  );
  return checks;
}
