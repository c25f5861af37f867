/** The page's stylesheet, served as `/app.css`. */
export const DASHBOARD_STYLES = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --run: #0969da; --muted: #57606a; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: 12px 24px; }
header h1 { margin: 0; font-size: 20px; }
header .repo { margin: 4px 0 0; color: #d0d7de; }
header code { color: #fff; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; padding: 16px 24px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; min-width: 0; }
h2 { font-size: 16px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 0 0 6px; }
ul, ol { padding-left: 18px; margin: 0; }
.empty { color: var(--muted); }
#connection[data-state="live"] { color: #7ee787; }
#connection[data-state="reconnecting"] { color: #ffa198; }
#problems li { color: var(--bad); margin-bottom: 4px; }
.alert { margin-bottom: 8px; }
.alert .level { font-weight: 600; text-transform: uppercase; font-size: 11px; padding: 1px 6px; border-radius: 10px; background: #fff8c5; color: var(--warn); }
.alert[data-level="critical"] .level { background: #ffebe9; color: var(--bad); }
.alert button { margin-left: 8px; }
.run { border-top: 1px solid var(--line); padding: 8px 0; }
.run:first-child { border-top: 0; }
.state, .status { font-weight: 600; }
[data-state="completed"] > h3 .state, [data-status="completed"] .status { color: var(--ok); }
[data-state="failed"] > h3 .state, [data-status="failed"] .status, [data-status="compensation-failed"] .status { color: var(--bad); }
[data-state="paused"] > h3 .state, [data-status="retrying"] .status, [data-status="degraded"] .status { color: var(--warn); }
[data-state="running"] > h3 .state, [data-status="running"] .status { color: var(--run); }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 2px 8px 2px 0; }
th { color: var(--muted); font-weight: 500; }
.stats { color: var(--muted); margin: 4px 0; }
.error { background: #ffebe9; border-radius: 4px; padding: 4px 8px; margin-top: 4px; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-weight: 600; }
.chart svg { width: 100%; height: auto; display: block; }
.chart text { font-size: 11px; fill: #57606a; }
figure { margin: 12px 0 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
#events { list-style: none; padding-left: 0; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; max-height: 320px; overflow: auto; }
#events li { overflow-wrap: anywhere; }
`;
