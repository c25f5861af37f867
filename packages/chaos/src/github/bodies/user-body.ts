import { githubTime } from "../model/github-time.js";
import type { UserRecord } from "../model/model-records.js";
import { type BodyContext, nodeId } from "./body-context.js";

/** GitHub's `simple-user`. */
export function simpleUserBody(context: BodyContext, user: UserRecord) {
  const api = `${context.apiUrl}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === "User" ? "U" : "O", user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${context.htmlUrl}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** GitHub's `private-user`: what `GET /user` returns for the token's own account. */
export function privateUserBody(context: BodyContext, user: UserRecord) {
  const repos = context.model
    .repoNames()
    .map((name) => context.model.repo(name))
    .filter((repo) => repo !== undefined && repo.owner === user.login);
  const time = githubTime(user.createdAt);
  return {
    ...simpleUserBody(context, user),
    user_view_type: "private",
    name: null,
    company: null,
    blog: "",
    location: null,
    email: null,
    notification_email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: repos.filter((repo) => !repo?.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: time,
    updated_at: time,
    private_gists: 0,
    total_private_repos: repos.filter((repo) => repo?.private).length,
    owned_private_repos: repos.filter((repo) => repo?.private).length,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: "free", space: 976562499, private_repos: 10000, collaborators: 0 },
  };
}
