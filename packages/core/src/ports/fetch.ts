/** The fetch Octokit is given; the harness passes one that reaches its simulator. */
export type Fetch = typeof globalThis.fetch;

export const nodeFetch: Fetch = (input, init) => globalThis.fetch(input, init);
