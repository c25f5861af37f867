import { join } from "node:path";
import type { ErrorCode } from "../../errors/catalogue.js";
import { ok, PreflightCheck, refused } from "../preflight-finding.js";
import { type Check, layoutOf } from "./check.js";

const NAME = PreflightCheck.ObjectsWritable;

/**
 * git can store new objects: a file is created and removed in
 * `.git/objects`, the way git writes its own temporary objects (and with
 * their `tmp_obj_` prefix, which `git gc` cleans up should a crash leave the
 * probe behind). A read-only mount, an immutable flag, a full disk or
 * missing permissions are refused with the errno's catalogue entry, before
 * anything is half written.
 */
export const objectsWritableCheck: Check = {
  name: NAME,
  structural: false,
  async run(context) {
    const { session } = context;
    const dir = join(layoutOf(context).commonDir, "objects");
    const suffix = Math.floor(session.random.next() * 2 ** 32).toString(16);
    const probe = join(dir, `tmp_obj_wfm_probe_${process.pid}_${suffix}`);
    try {
      const handle = await session.fs.open(probe, "wx");
      await handle.close();
      await session.fs.unlink(probe);
    } catch (error) {
      // Classified by its errno; the directory, not the probe's name, is what to look at.
      const classified = session.classify(error);
      return refused(
        NAME,
        session.error(classified.code as ErrorCode, {
          message: `git could not store new objects in ${dir}: ${classified.message}`,
          context: { path: dir, detail: classified.message },
          cause: error,
        }),
      );
    }
    return ok(NAME, `${dir} accepts new objects`);
  },
};
