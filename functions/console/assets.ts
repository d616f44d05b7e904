/**
 * The console's only stylesheet, served by the Worker at /console/assets/console.css (no CDN, works
 * offline). Mobile first: one column at 360 px, tables scroll sideways inside their own box.
 */
export const CONSOLE_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --soft: #f6f8fa; --accent: #0b57d0;
  --bad: #b3261e; --good: #146c2e; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; font-size: 16px; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
summary:focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 8px; z-index: 10; }
header.top { background: #102a43; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 8px 16px;
  align-items: center; }
header.top .brand { font-weight: 700; }
header.top .who { font-size: 0.85rem; opacity: 0.85; overflow-wrap: anywhere; }
header.top form { margin-left: auto; }
nav.main { display: flex; flex-wrap: wrap; gap: 4px; padding: 8px 16px; background: var(--soft);
  border-bottom: 1px solid var(--line); }
nav.main a { padding: 6px 10px; border-radius: 6px; text-decoration: none; }
nav.main a[aria-current="page"] { background: var(--accent); color: #fff; }
main { padding: 16px; max-width: 1100px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0.2em 0 0.6em; }
h2 { font-size: 1.2rem; margin: 1.2em 0 0.5em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
form.stack { display: grid; gap: 12px; max-width: 720px; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px 12px; margin: 0; min-width: 0; }
legend { font-weight: 600; padding: 0 4px; }
.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); }
.field { display: grid; gap: 4px; min-width: 0; align-content: start; }
.field label { font-weight: 600; }
.field .hint { color: var(--muted); font-size: 0.85rem; }
.field .error, .error-text { color: var(--bad); font-weight: 600; font-size: 0.9rem; }
input, select, textarea { font: inherit; padding: 6px 8px; border: 1px solid #8c959f; border-radius: 6px;
  width: 100%; min-width: 0; background: #fff; }
input[aria-invalid="true"], select[aria-invalid="true"], textarea[aria-invalid="true"] { border: 2px solid var(--bad); }
input[type="checkbox"] { width: auto; }
input:disabled, select:disabled { background: var(--soft); color: var(--muted); }
.check { display: flex; gap: 8px; align-items: center; }
button, .button { font: inherit; padding: 8px 14px; border-radius: 6px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
header.top button { background: transparent; border-color: #fff; padding: 4px 10px; }
.row { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
.notice { border-left: 4px solid var(--accent); background: var(--soft); padding: 8px 12px; margin: 12px 0; }
.notice.bad { border-color: var(--bad); }
.notice.good { border-color: var(--good); }
.summary ul { margin: 4px 0 0; padding-left: 20px; }
.lines-table input { min-width: 5.5em; }
.muted { color: var(--muted); }
.tag { display: inline-block; padding: 0 6px; border-radius: 4px; background: var(--soft);
  border: 1px solid var(--line); font-size: 0.8rem; }
.amount-off { color: var(--good); font-weight: 700; white-space: nowrap; }
pre { background: var(--soft); padding: 8px; overflow-x: auto; font-size: 0.85rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 0 0 16px; }
svg.chart { width: 100%; height: auto; max-width: 720px; display: block; }
svg.chart text { font-size: 13px; fill: var(--muted); }
svg.chart rect.bar { fill: var(--accent); }
svg.chart rect.bar.amount { fill: #6f42c1; }
.offer { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin-bottom: 8px; }
@media (max-width: 480px) {
  main { padding: 12px; }
  header.top form { margin-left: 0; }
  dl.facts { grid-template-columns: 1fr; }
}
`;
