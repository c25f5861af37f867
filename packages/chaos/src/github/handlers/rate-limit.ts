import { rateLimitBody } from "../bodies/rate-limit-body.js";
import { defineEndpoint } from "./endpoint.js";

/** `GET /rate_limit`: the caller's buckets; not counted against them. */
export const rateLimitEndpoints = [
  defineEndpoint({
    name: "rateLimit.get",
    method: "GET",
    path: "/rate_limit",
    counted: false,
    permission: "metadata=read",
    docs: "https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
    handle: ({ model, who }) => ({
      status: 200,
      body: rateLimitBody(model.rateLimits.peek(who, "core"), model.rateLimits.peek(who, "search")),
    }),
  }),
];
