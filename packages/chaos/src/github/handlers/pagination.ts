/** One page of a list and the RFC 5988 `link` header that leads to the others. */
export interface Page<T> {
  readonly items: T[];
  /** Absent when everything fits on one page, as on GitHub. */
  readonly link?: string;
}

/**
 * GitHub's pagination: `per_page` (default 30, at most 100) and `page`
 * (default 1); links `prev`, `next`, `last`, `first` built from the request
 * URL with only `page` changed.
 */
export function paginate<T>(items: readonly T[], url: URL): Page<T> {
  const perPage = clampInt(url.searchParams.get("per_page"), 30, 1, 100);
  const page = clampInt(url.searchParams.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  const pageUrl = (n: number) => {
    const next = new URL(url.href);
    next.searchParams.set("page", String(n));
    return next.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) {
    links.push(`<${pageUrl(page + 1)}>; rel="next"`);
    links.push(`<${pageUrl(lastPage)}>; rel="last"`);
  }
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return links.length === 0 ? { items: slice } : { items: slice, link: links.join(", ") };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

/** The result headers for a page (`link` when there is more than one page). */
export function pageHeaders(page: Page<unknown>): Record<string, string> {
  return page.link === undefined ? {} : { link: page.link };
}
