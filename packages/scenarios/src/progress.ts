import type { CaseResult } from "./runner.js";

/**
 * Progress on stderr: a bar redrawn in place on a terminal; on anything
 * else only failures, one line each with the command that replays them.
 */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr) {
  let done = 0;
  let failed = 0;
  const width = 30;
  const draw = () => {
    const filled = Math.round((done / Math.max(1, total)) * width);
    stream.write(
      `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} runs, ${failed} failed`,
    );
  };
  return {
    tick: (result: CaseResult) => {
      done += 1;
      if (!result.ok) {
        failed += 1;
        if (stream.isTTY) stream.write("\n");
        stream.write(`✗ ${result.scenario} seed ${result.seed} — replay: ${result.replay}\n`);
      }
      if (stream.isTTY) draw();
    },
    done: () => {
      if (stream.isTTY) stream.write("\n");
    },
  };
}
