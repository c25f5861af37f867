import { privateUserBody } from "../bodies/user-body.js";
import { defineEndpoint } from "./endpoint.js";

/** `GET /user`: the token's own account. */
export const usersEndpoints = [
  defineEndpoint({
    name: "users.getAuthenticated",
    method: "GET",
    path: "/user",
    requiresAuth: true,
    permission: "metadata=read",
    docs: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
    handle: ({ model, bodies }) => ({
      status: 200,
      body: privateUserBody(bodies, model.user(model.login)),
    }),
  }),
];
