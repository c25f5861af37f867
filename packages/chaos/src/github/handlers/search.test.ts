import { describe, expect, it } from "vitest";
import { parseIssueQuery } from "./search.js";

describe("parsing an issue search query", () => {
  it("keeps quoted phrases whole and reads the qualifiers", () => {
    expect(
      parseIssueQuery(
        '"<!-- workflowmaster:run=r1 phase=issue -->" repo:Octo/App is:issue in:body is:open label:wfm author:octocat word',
      ),
    ).toEqual({
      terms: ["<!-- workflowmaster:run=r1 phase=issue -->", "word"],
      repos: ["octo/app"],
      kind: "issue",
      state: "open",
      in: ["body"],
      labels: ["wfm"],
      author: "octocat",
    });
  });

  it("searches title, body and comments by default and reads is:pr", () => {
    expect(parseIssueQuery("is:pr fix")).toEqual({
      terms: ["fix"],
      repos: [],
      kind: "pr",
      in: ["title", "body", "comments"],
      labels: [],
    });
  });
});
