import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact-secrets.js";

const CLASSIC = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
const FINE_GRAINED = `github_pat_11ABCDEFG0${"x".repeat(72)}`;
const INSTALLATION = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

describe("redactSecrets removes credentials", () => {
  it.each([
    {
      name: "an authorization header line",
      input: `authorization: token ${CLASSIC}`,
      output: "authorization: [REDACTED]",
    },
    {
      name: "an authorization field in JSON",
      input: `{"authorization":"Bearer ${FINE_GRAINED}","accept":"json"}`,
      output: '{"authorization":"[REDACTED]","accept":"json"}',
    },
    {
      name: "a classic token anywhere",
      input: `bad token value ${CLASSIC} in config`,
      output: "bad token value [REDACTED] in config",
    },
    {
      name: "a fine-grained token anywhere",
      input: `GH_TOKEN=${FINE_GRAINED}`,
      output: "GH_TOKEN=[REDACTED]",
    },
    {
      name: "an installation token",
      input: `using ${INSTALLATION}`,
      output: "using [REDACTED]",
    },
    {
      name: "a 40-hex OAuth token after its scheme word",
      input: "sent token 0123456789abcdef0123456789abcdef01234567 to GitHub",
      output: "sent token [REDACTED] to GitHub",
    },
    {
      name: "user and password in a URL",
      input: "fatal: unable to access 'https://x-access-token:s3cr3t-value@github.com/o/r.git/'",
      output: "fatal: unable to access 'https://[REDACTED]@github.com/o/r.git/'",
    },
    {
      name: "a token as the user of a URL",
      input: `git push https://${CLASSIC}@github.com/o/r.git`,
      output: "git push https://[REDACTED]@github.com/o/r.git",
    },
    {
      name: "query-string secrets",
      input: "GET /user?access_token=abc123&client_secret=def456&page=2",
      output: "GET /user?access_token=[REDACTED]&client_secret=[REDACTED]&page=2",
    },
  ])("redacts $name", ({ input, output }) => {
    expect(redactSecrets(input)).toBe(output);
  });
});

describe("redactSecrets leaves ordinary text alone", () => {
  it.each([
    "fatal: Unable to create '/tmp/r/.git/index.lock': File exists.",
    "! [rejected]        main -> main (fetch first)",
    "commit 0123456789abcdef0123456789abcdef01234567",
    "ssh://git@github.com/o/r.git",
    "Resource not accessible by personal access token",
    "the token lacks issues=write",
  ])("keeps %s", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
