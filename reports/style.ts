/** The report's style sheet: system fonts only (none fetched), dense tables, figures in tabular digits. */
export const REPORT_STYLE = `
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #1f2933; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; border-bottom: 2px solid #1f4e79; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.sources, .note { color: #52606d; margin: 4px 0; }
code { font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.card { border: 1px solid #cbd2d9; border-radius: 6px; padding: 10px 14px; min-width: 180px; }
.card .label { color: #52606d; font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .sub { color: #52606d; font-size: 12px; }
.chart { width: 100%; margin: 8px 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.down { color: #0b6e4f; }
.up { color: #b42318; }
.id { color: #7b8794; font-size: 11px; font-family: ui-monospace, monospace; }
tfoot td, tr.total td { font-weight: 600; border-top: 2px solid #9aa5b1; }
@media print { .chart { break-inside: avoid; } section { break-inside: avoid-page; } }
`;
