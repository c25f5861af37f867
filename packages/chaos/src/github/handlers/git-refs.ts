import { gitRefBody } from "../bodies/git-ref-body.js";
import { defineEndpoint, type EndpointCall } from "./endpoint.js";
import { type EndpointResult, errorResult, notFound } from "./endpoint-result.js";
import { checkFields } from "./request-fields.js";

const DOCS = {
  get: "https://docs.github.com/rest/git/refs#get-a-reference",
  list: "https://docs.github.com/rest/git/refs#list-matching-references",
  create: "https://docs.github.com/rest/git/refs#create-a-reference",
  update: "https://docs.github.com/rest/git/refs#update-a-reference",
  delete: "https://docs.github.com/rest/git/refs#delete-a-reference",
};

/** Whether `git check-ref-format` would accept this full ref name (the rules it checks). */
export function isValidRefName(ref: string): boolean {
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) return false;
  if (ref.endsWith("/") || ref.endsWith(".") || ref.includes("//") || ref.includes(".."))
    return false;
  if (ref.includes("@{") || /[~^:?*[\\]/.test(ref)) return false;
  // Control characters, space and DEL are not allowed anywhere in a ref name.
  if ([...ref].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f))
    return false;
  return ref
    .split("/")
    .every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}

/** The ref a path names after `prefix`: `/git/ref/heads%2Fx` → `refs/heads/x`. */
function refFromPath(call: EndpointCall): string {
  const rest = call.params.rest ?? "";
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    // Bad percent-encoding names no ref; the raw text matches nothing.
    decoded = rest;
  }
  return `refs/${decoded}`;
}

const gitRepositoryEmpty = (docs: string) => errorResult(409, "Git Repository is empty.", docs);

/** Git references: get, list matching, create, update (`force`), delete. */
export const gitRefsEndpoints = [
  defineEndpoint({
    name: "git.getRef",
    method: "GET",
    path: "/repos/:owner/:repo/git/ref/*",
    permission: "contents=read",
    docs: DOCS.get,
    handle: async (call) => {
      const git = call.model.git(call.repo);
      const ref = refFromPath(call);
      if ((await git.listRefs()).length === 0) return gitRepositoryEmpty(DOCS.get);
      const sha = await git.getRef(ref);
      if (sha === undefined || !call.model.isRefVisible(call.repo, ref)) return notFound(DOCS.get);
      return { status: 200, body: gitRefBody(call.bodies, call.repo, { ref, sha }) };
    },
  }),
  defineEndpoint({
    name: "git.listMatchingRefs",
    method: "GET",
    path: "/repos/:owner/:repo/git/matching-refs/*",
    permission: "contents=read",
    docs: DOCS.list,
    handle: async (call) => {
      const git = call.model.git(call.repo);
      if ((await git.listRefs()).length === 0) return gitRepositoryEmpty(DOCS.list);
      const refs = (await git.listRefs(refFromPath(call))).filter((record) =>
        call.model.isRefVisible(call.repo, record.ref),
      );
      return {
        status: 200,
        body: refs.map((record) => gitRefBody(call.bodies, call.repo, record)),
      };
    },
  }),
  defineEndpoint({
    name: "git.createRef",
    method: "POST",
    path: "/repos/:owner/:repo/git/refs",
    permission: "contents=write",
    docs: DOCS.create,
    handle: async (call): Promise<EndpointResult> => {
      const { body, model, repo, bodies, clock } = call;
      const invalid = checkFields(body, DOCS.create, {
        ref: { required: true, types: ["string"] },
        sha: { required: true, types: ["string"] },
      });
      if (invalid) return invalid;
      const ref = body.ref as string;
      const sha = body.sha as string;
      const git = model.git(repo);
      const existing = await git.listRefs();
      if (existing.length === 0) return gitRepositoryEmpty(DOCS.create);
      if (!isValidRefName(ref)) return errorResult(422, "Reference update failed", DOCS.create);
      if (existing.some((record) => record.ref === ref)) {
        return errorResult(422, "Reference already exists", DOCS.create);
      }
      if (!(await git.hasCommit(sha)))
        return errorResult(422, "Object does not exist", DOCS.create);
      // `a/b` cannot sit beside `a` (git stores refs as paths).
      if (
        existing.some(
          (record) => record.ref.startsWith(`${ref}/`) || ref.startsWith(`${record.ref}/`),
        )
      ) {
        return errorResult(422, "Reference update failed", DOCS.create);
      }
      await git.setRef(ref, sha);
      if (call.fault?.kind === "eventual-consistency") {
        model.hideRef(repo, ref, clock.now() + call.fault.ms);
        call.journalFault("eventual-consistency", "hidden", { ref, ms: call.fault.ms });
      }
      return {
        status: 201,
        body: gitRefBody(bodies, repo, { ref, sha }),
        location: `${bodies.apiUrl}/repos/${repo}/git/${ref}`,
      };
    },
  }),
  defineEndpoint({
    name: "git.updateRef",
    method: "PATCH",
    path: "/repos/:owner/:repo/git/refs/*",
    permission: "contents=write",
    docs: DOCS.update,
    handle: async (call): Promise<EndpointResult> => {
      const { body, model, repo, bodies } = call;
      const invalid = checkFields(body, DOCS.update, {
        sha: { required: true, types: ["string"] },
        force: { types: ["boolean"] },
      });
      if (invalid) return invalid;
      const ref = refFromPath(call);
      const sha = body.sha as string;
      const git = model.git(repo);
      if ((await git.listRefs()).length === 0) return gitRepositoryEmpty(DOCS.update);
      const current = await git.getRef(ref);
      if (current === undefined) return errorResult(422, "Reference does not exist", DOCS.update);
      if (!(await git.hasCommit(sha)))
        return errorResult(422, "Object does not exist", DOCS.update);
      if (body.force !== true && !(await git.isAncestor(current, sha))) {
        return errorResult(422, "Update is not a fast forward", DOCS.update);
      }
      await git.setRef(ref, sha);
      return { status: 200, body: gitRefBody(bodies, repo, { ref, sha }) };
    },
  }),
  defineEndpoint({
    name: "git.deleteRef",
    method: "DELETE",
    path: "/repos/:owner/:repo/git/refs/*",
    permission: "contents=write",
    docs: DOCS.delete,
    handle: async (call): Promise<EndpointResult> => {
      const git = call.model.git(call.repo);
      if ((await git.listRefs()).length === 0) return gitRepositoryEmpty(DOCS.delete);
      const ref = refFromPath(call);
      if ((await git.getRef(ref)) === undefined) {
        return errorResult(422, "Reference does not exist", DOCS.delete);
      }
      await git.deleteRef(ref);
      return { status: 204 };
    },
  }),
];
