import { repositoryBody } from "../bodies/repository-body.js";
import { defineEndpoint } from "./endpoint.js";

/** `GET /repos/{owner}/{repo}`. */
export const reposEndpoints = [
  defineEndpoint({
    name: "repos.get",
    method: "GET",
    path: "/repos/:owner/:repo",
    permission: "metadata=read",
    docs: "https://docs.github.com/rest/repos/repos#get-a-repository",
    handle: ({ model, repo, bodies }) => {
      const record = model.repo(repo);
      if (!record) throw new TypeError(`The resolver let through a missing repository ${repo}.`);
      return { status: 200, body: repositoryBody(bodies, record) };
    },
  }),
];
