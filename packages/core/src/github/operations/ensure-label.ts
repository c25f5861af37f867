import { z } from "zod";
import { err, ok, type Result } from "../../errors/index.js";
import { callGithub } from "../github-call.js";
import type { GithubClient } from "../github-client.js";
import { parseRepoRef, type RepoRef, repoSlug } from "../repo-ref.js";
import { ensureOnce } from "./ensure-once.js";
import { parseInput } from "./parse-input.js";

/** A label on the repository; JSON, so the engine can journal it. */
export interface LabelRef {
  readonly name: string;
  readonly color: string;
  readonly nodeId: string;
  readonly url: string;
  /** `created` by this call, or `found` (labels are shared: an existing one is adopted as is). */
  readonly origin: "created" | "found";
}

export interface EnsureLabelInput {
  runId: string;
  name: string;
  /** Six hex digits, with or without `#`. */
  color: string;
  description?: string;
  signal?: AbortSignal;
}

const labelSchema = z.object({
  runId: z.string().min(1),
  name: z.string().trim().min(1, "must be a non-empty label name").max(50),
  color: z
    .string()
    .regex(/^#?[0-9A-Fa-f]{6}$/, "must be six hex digits, like `d73a4a`")
    .transform((color) => color.replace(/^#/, "").toLowerCase()),
  description: z.string().max(100).optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

interface LabelData {
  name: string;
  color: string;
  node_id: string;
  url: string;
}

function labelRef(label: LabelData, origin: LabelRef["origin"]): LabelRef {
  return { name: label.name, color: label.color, nodeId: label.node_id, url: label.url, origin };
}

/**
 * The label, created if the repository lacks it. An existing label (found
 * first, or reported by GitHub's 422 `already_exists`) is adopted unchanged.
 */
export function ensureLabel(
  client: GithubClient,
  repo: RepoRef,
  input: EnsureLabelInput,
): Promise<LabelRef> {
  const ref = parseRepoRef(repo);
  const { runId, name, color, description, signal } = parseInput(labelSchema, input, "ensureLabel");
  const lookup = async (attemptSignal: AbortSignal) => {
    const label = await getLabel(client, ref, name, attemptSignal);
    return label === undefined ? undefined : labelRef(label, "found");
  };
  return ensureOnce(
    client,
    {
      lookup,
      create: async (attemptSignal) => {
        try {
          const { data } = await client.rest.issues.createLabel({
            owner: ref.owner,
            repo: ref.repo,
            name,
            color,
            ...(description === undefined ? {} : { description }),
            request: { signal: attemptSignal },
          });
          return labelRef(data, "created");
        } catch (error) {
          if (client.workflowmaster.classify(error).code !== "WFM-GITHUB-ALREADY-EXISTS")
            throw error;
          const existing = await lookup(attemptSignal);
          if (existing === undefined) throw error;
          return existing;
        }
      },
    },
    { runId, repo: ref, ...(signal === undefined ? {} : { signal }) },
  );
}

/** Observes that the label exists. For a `postcondition`. */
export async function observeLabel(
  client: GithubClient,
  repo: RepoRef,
  input: { runId: string; name: string; signal?: AbortSignal },
): Promise<Result<void, string>> {
  const ref = parseRepoRef(repo);
  const label = await callGithub(
    client,
    (attemptSignal) => getLabel(client, ref, input.name, attemptSignal),
    {
      runId: input.runId,
      repo: ref,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    },
  );
  return label === undefined
    ? err(`label ${input.name} was not found on ${repoSlug(ref)}`)
    : ok(undefined);
}

/**
 * The label named `name`, compared as GitHub does (case-insensitively), from
 * the repository's label list, `lookup.maxPages` pages at most.
 */
async function getLabel(
  client: GithubClient,
  ref: RepoRef,
  name: string,
  signal: AbortSignal,
): Promise<LabelData | undefined> {
  const { perPage, maxPages } = client.workflowmaster.lookup;
  const wanted = name.toLowerCase();
  let pages = 0;
  for await (const response of client.paginate.iterator(client.rest.issues.listLabelsForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    per_page: perPage,
    request: { signal },
  })) {
    pages += 1;
    const found = response.data.find((label) => label.name.toLowerCase() === wanted);
    if (found !== undefined) return found;
    if (pages >= maxPages) break;
  }
  return undefined;
}
