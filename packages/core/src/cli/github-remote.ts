/** A GitHub repository as `owner` and `name`. */
export interface GithubRepoName {
  readonly owner: string;
  readonly name: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** `OWNER/NAME` as given on the command line, or undefined when it is not one. */
export function parseRepoSlug(slug: string): GithubRepoName | undefined {
  const parts = slug.split("/");
  if (parts.length !== 2) return undefined;
  const [owner = "", name = ""] = parts;
  if (!OWNER.test(owner) || !NAME.test(name) || name === "." || name === "..") return undefined;
  return { owner, name };
}

/**
 * The GitHub owner and name a remote URL points to: the last two path
 * segments, with `.git` dropped. Understands `https://host/owner/name(.git)`
 * (with or without credentials, which are never echoed), `ssh://git@host[:port]/owner/name`,
 * scp-like `git@host:owner/name.git`, and `git://127.0.0.1:PORT/owner/name.git`
 * (a loopback git daemon). A local path names no GitHub repository.
 */
export function repoFromRemoteUrl(url: string): GithubRepoName | undefined {
  const trimmed = url.trim();
  let path: string | undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (withScheme) {
    try {
      path = new URL(trimmed).pathname;
    } catch {
      // An unparsable URL names no repository; the caller says so.
      return undefined;
    }
    path = decodeURIComponent(path);
  } else {
    // scp-like: [user@]host:path, where host has no slash before the colon.
    const scp = /^(?:[^@/\s]+@)?[^:/\s]+:(.+)$/.exec(trimmed);
    if (scp === null) return undefined;
    path = scp[1];
  }
  if (path === undefined) return undefined;
  const segments = path
    .replace(/\/+$/, "")
    .split("/")
    .filter((segment) => segment !== "");
  if (segments.length < 2) return undefined;
  const owner = segments[segments.length - 2] ?? "";
  const name = (segments[segments.length - 1] ?? "").replace(/\.git$/, "");
  return parseRepoSlug(`${owner}/${name}`);
}

/** The URL with any credentials removed, for messages. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1");
}
