import { redactSecrets } from "../../errors/redact-secrets.js";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import type { Check } from "./check.js";

const NAME = PreflightCheck.Remote;

/** The remote is configured (`git remote get-url`). */
export const remoteCheck: Check = {
  name: NAME,
  structural: false,
  remote: true,
  async run({ session, state }) {
    const remote = session.options.remote;
    const url = await session.tryRead(["remote", "get-url", remote]);
    if (url.ok) return ok(NAME, `${remote} is ${redactSecrets(url.stdout.trim())}`);
    state.remoteMissing = true;
    if (!/No such remote/i.test(url.message)) return refused(NAME, session.classify(url.error));
    return refused(
      NAME,
      session.error("WFM-GIT-REMOTE-MISSING", {
        message: `${session.dir} has no remote named ${remote}.`,
        cause: url.error,
      }),
    );
  },
};
