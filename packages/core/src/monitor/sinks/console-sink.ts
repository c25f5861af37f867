import { err, ok } from "../../errors/result.js";
import type { AlertSink } from "./alert-sink.js";
import { asError, formatAlert } from "./alert-sink.js";

/**
 * Writes one readable line per alert, to standard error by default (standard
 * output may be a `--json` document).
 */
export function consoleSink(
  write: (line: string) => unknown = (line) => process.stderr.write(line),
): AlertSink {
  return {
    name: "console",
    deliver(alert) {
      try {
        write(`workflowmaster alert ${formatAlert(alert)}\n`);
        return Promise.resolve(ok(undefined));
      } catch (error) {
        return Promise.resolve(err(asError(error)));
      }
    },
  };
}
