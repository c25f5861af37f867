import { z } from "zod";

/** A repository on GitHub. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

// GitHub's own rules: owners are letters, digits and single hyphens; names add '.' and '_'.
const repoRefSchema = z.object({
  owner: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "must be a GitHub user or organisation name"),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository name"),
});

/** Validates a repository reference where it enters; a TypeError names the bad field. */
export function parseRepoRef(value: unknown): RepoRef {
  const parsed = repoRefSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Invalid repository: \`${issue?.path.join(".") || "(repository)"}\` ${issue?.message ?? "is invalid"}.`,
    );
  }
  return { owner: parsed.data.owner, repo: parsed.data.repo };
}

/** `owner/name`, as error guidance and search queries write it. */
export function repoSlug(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}
