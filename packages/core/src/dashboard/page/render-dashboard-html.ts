/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * The page's shell. Everything else is drawn by `/app.js` from the model
 * the server streams; the token for acknowledging rides in a meta tag (the
 * Content-Security-Policy allows no inline script).
 */
export function renderDashboardHtml(options: {
  token: string;
  repository: string;
  title: string;
}): string {
  const repository = escapeHtml(options.repository);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="workflowmaster-token" content="${escapeHtml(options.token)}">
<title>${escapeHtml(options.title)} — ${repository}</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
<h1>${escapeHtml(options.title)}</h1>
<p class="repo"><code>${repository}</code> · <span id="connection" data-state="connecting">connecting…</span></p>
</header>
<main>
<section id="problems-section" hidden><h2>Problems</h2><ul id="problems"></ul></section>
<section><h2>Active alerts</h2><p id="ack-status" role="status"></p><ul id="alerts"><li class="empty">Loading…</li></ul></section>
<section><h2>Runs</h2><div id="runs"><p class="empty">Loading…</p></div></section>
<section><h2>Health</h2><div id="health"></div><figure><figcaption>Error rate and retries over time (the last day of activity)</figcaption><div id="chart-health" class="chart"></div></figure></section>
<section><h2>Recovery</h2><dl id="recovery"></dl></section>
<section><h2>Latest chaos report</h2><div id="chaos"></div></section>
<section><h2>Recent events</h2><ol id="events" reversed></ol></section>
</main>
</body>
</html>
`;
}
