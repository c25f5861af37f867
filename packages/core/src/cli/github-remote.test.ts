import { describe, expect, it } from "vitest";
import { parseRepoSlug, repoFromRemoteUrl, withoutCredentials } from "./github-remote.js";

describe("repoFromRemoteUrl", () => {
  it.each([
    ["https://github.com/acme/widgets.git", "acme", "widgets"],
    ["https://github.com/acme/widgets", "acme", "widgets"],
    ["https://x-access-token:secret@github.com/acme/widgets.git", "acme", "widgets"],
    ["http://ghe.example.com/acme/widgets/", "acme", "widgets"],
    ["git@github.com:acme/widgets.git", "acme", "widgets"],
    ["github.com:acme/widgets", "acme", "widgets"],
    ["ssh://git@github.com/acme/widgets.git", "acme", "widgets"],
    ["ssh://git@github.com:2222/acme/widgets", "acme", "widgets"],
    ["git://127.0.0.1:9418/acme/widgets.git", "acme", "widgets"],
    ["git://127.0.0.1:9418/served/acme/my.repo.git", "acme", "my.repo"],
  ])("reads %s as %s/%s", (url, owner, name) => {
    expect(repoFromRemoteUrl(url)).toEqual({ owner, name });
  });

  it.each([
    "/srv/git/widgets.git",
    "../widgets.git",
    "https://github.com/widgets",
    "git://127.0.0.1:9418/",
    "https://github.com/-acme/widgets",
    "https://github.com/acme/..",
    "not a url at all",
  ])("names no repository for %s", (url) => {
    expect(repoFromRemoteUrl(url)).toBeUndefined();
  });
});

describe("parseRepoSlug", () => {
  it("accepts OWNER/NAME as GitHub spells it", () => {
    expect(parseRepoSlug("acme/widgets.js")).toEqual({ owner: "acme", name: "widgets.js" });
  });

  it.each([
    "acme",
    "acme/widgets/extra",
    "../../etc",
    "acme/..",
    "-acme/widgets",
    "acme/wid gets",
    "",
  ])("refuses %j", (slug) => {
    expect(parseRepoSlug(slug)).toBeUndefined();
  });
});

describe("withoutCredentials", () => {
  it("drops user and password from a URL", () => {
    expect(withoutCredentials("https://user:secret@github.com/acme/widgets.git")).toBe(
      "https://github.com/acme/widgets.git",
    );
  });
});
