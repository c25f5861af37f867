import { createHash } from "node:crypto";
import type { RefRecord } from "../model/model-records.js";
import type { BodyContext } from "./body-context.js";

/** GitHub's `git-ref`: `{ref, node_id, url, object: {type, sha, url}}`. */
export function gitRefBody(context: BodyContext, repo: string, record: RefRecord) {
  const api = `${context.apiUrl}/repos/${repo}`;
  const id = createHash("sha1").update(`${repo}\n${record.ref}`).digest("base64url").slice(0, 20);
  return {
    ref: record.ref,
    node_id: `REF_kwDO${id}`,
    url: `${api}/git/${record.ref}`,
    object: {
      sha: record.sha,
      type: "commit",
      url: `${api}/git/commits/${record.sha}`,
    },
  };
}
