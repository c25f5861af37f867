import type { GithubModel } from "../model/github-model.js";

/** What a response body needs besides the record: where the API and the web pages live. */
export interface BodyContext {
  readonly model: GithubModel;
  /** The API root the client used, without a trailing slash (`https://api.github.com`). */
  readonly apiUrl: string;
  /** The web root for `html_url` fields (`https://github.com`). */
  readonly htmlUrl: string;
}

/** A GraphQL node id in GitHub's current shape (`I_kwDO…`), derived from the record id. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(`${prefix}:${id}`).toString("base64url")}`;
}
