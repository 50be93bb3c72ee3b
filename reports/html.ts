/**
 * The comparison as one self-contained HTML file for a minister's office: totals, charts and dense tables,
 * Chinese first, every amount in yuan exactly to the fen. ECharts is inlined (its minified dist file, given
 * by the caller), the data rides in the page as JSON, and nothing is fetched from anywhere when it opens.
 */
import { fenToGroupedYuan } from "../shared/money";
import { type Comparison, type ComparisonRow, differenceFen, type Pair } from "../shared/simulate/compare";
import { CHART_SCRIPT, CHARTED_BENEFICIARIES, type ChartData, chartsOf } from "./charts";
import { districtLabel, funderLabel, KIND_LABELS, programLabel, signed } from "./labels";
import { REPORT_STYLE } from "./style";

/** The files compared, as the report names them. */
export interface ReportSources {
  baseline: string;
  reform: string;
  events: string;
}

/** How many rows the beneficiary and eligibility tables list; the CSV has them all. */
export const LISTED_ROWS = 50;

export function comparisonHtml(c: Comparison, sources: ReportSources, echartsScript: string): string {
  const title = `${c.cityName}科技政策改革测算对比`;
  const [programs, districts, beneficiaries] = chartsOf(c);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="sources">基线政策 <code>${escapeHtml(sources.baseline)}</code> · 改革方案 <code>${escapeHtml(sources.reform)}</code> · 事实 <code>${escapeHtml(sources.events)}</code></p>
<p class="note">同一批事实只解析一次，分别按两套政策判定。金额单位：元，精确到分（整数分运算，无四舍五入误差）。</p>
</header>
${headline(c)}
${programSection(c, programs)}
${districtSection(c, districts)}
${funderSection(c)}
${beneficiarySection(c, beneficiaries)}
${eligibilitySection(c)}
<script type="application/json" id="report-data">${scriptJson([programs, districts, beneficiaries])}</script>
<script>${inlineScript(echartsScript)}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

function headline(c: Comparison): string {
  const card = (id: string, label: string, value: string, fen: bigint) =>
    `<div class="card"><div class="label">${label}</div><div class="value" id="${id}" data-fen="${fen}">${value}</div></div>`;
  const difference = differenceFen(c.total);
  return `<section class="cards">
${card("total-baseline", "基线合计（元）", fenToGroupedYuan(c.total.baselineFen), c.total.baselineFen)}
${card("total-reform", "改革合计（元）", fenToGroupedYuan(c.total.reformFen), c.total.reformFen)}
${card("total-difference", "差额（元）", signed(difference), difference)}
<div class="card"><div class="label">受益方变化</div><div class="value" id="changed-beneficiaries">${c.changed} / ${c.beneficiaries.length}</div><div class="sub">增加 ${c.winners} · 减少 ${c.losers}</div></div>
<div class="card"><div class="label">资格变化（受益方·项目·年度）</div><div class="value">获得 ${c.gained.length} · 丧失 ${c.lost.length}</div></div>
</section>`;
}

function programSection(c: Comparison, chart: ChartData | undefined): string {
  const rows = [...c.programs].map(([program, pair]) => {
    const label = c.programLabels.get(program);
    return `<tr><td>${escapeHtml(programLabel(c, program))}<div class="id">${escapeHtml(program)}</div></td><td>${escapeHtml(label?.clause ?? "")}</td>${amountCells(pair)}</tr>`;
  });
  const height = 80 + 26 * c.programs.size;
  return `<section>
<h2>按项目</h2>
${chartDiv(chart, height)}
${denseTable(["项目", "条款", "基线（元）", "改革（元）", "差额（元）", "变化率"], rows, totalRow(c.total, 2))}
</section>`;
}

function districtSection(c: Comparison, chart: ChartData | undefined): string {
  const rows = [...c.districts].map(
    ([district, pair]) =>
      `<tr><td>${escapeHtml(districtLabel(c, district))}</td><td>${escapeHtml(district || "—")}</td>${amountCells(pair)}</tr>`,
  );
  return `<section>
<h2>按区县</h2>
<p class="note">区县取自引起支付的事实所载区县；事实未载区县的，取企业统一社会信用代码第 3–8 位行政区划码。</p>
${chartDiv(chart, 360)}
${denseTable(["区县", "代码", "基线（元）", "改革（元）", "差额（元）", "变化率"], rows, totalRow(c.total, 2))}
</section>`;
}

/** Who pays (payouts.md § Funders): only when either policy names funders, so other reports are unchanged. */
function funderSection(c: Comparison): string {
  if (!c.funders.size) return "";
  const rows = [...c.funders].map(
    ([funder, pair]) =>
      `<tr><td>${escapeHtml(funderLabel(c, funder))}</td><td class="id">${escapeHtml(funder)}</td>${amountCells(pair)}</tr>`,
  );
  return `<section>
<h2>按出资方</h2>
<p class="note">出资方按项目所列比例分担每个计算单元的应得额（最大余数法，余数相同时按城市配置中所列顺序），各方金额之和等于合计，精确到分。</p>
${denseTable(["出资方", "编号", "基线（元）", "改革（元）", "差额（元）", "变化率"], rows, totalRow(c.total, 2))}
</section>`;
}

function beneficiarySection(c: Comparison, chart: ChartData | undefined): string {
  const changed = c.beneficiaries.filter((b) => b.changed);
  const rows = changed
    .slice(0, LISTED_ROWS)
    .map(
      (b) =>
        `<tr><td>${escapeHtml(b.beneficiary.name)}</td><td>${KIND_LABELS[b.beneficiary.kind]}</td><td class="id">${escapeHtml(b.beneficiary.id)}</td><td>${escapeHtml(districtLabel(c, b.district))}</td>${amountCells(b)}</tr>`,
    );
  const more =
    changed.length > LISTED_ROWS
      ? `<p class="note">另有 ${changed.length - LISTED_ROWS} 个受益方有变化，见 CSV。</p>`
      : "";
  return `<section>
<h2>受益方</h2>
<p>付款受益方 ${c.beneficiaries.length} 个，其中 ${c.changed} 个金额有变化：增加 ${c.winners} 个，减少 ${c.losers} 个${c.changed - c.winners - c.losers ? `，净额不变 ${c.changed - c.winners - c.losers} 个` : ""}。</p>
${chartDiv(chart, 80 + 22 * Math.min(changed.length, CHARTED_BENEFICIARIES))}
${denseTable(["受益方", "类型", "编号", "区县", "基线（元）", "改革（元）", "差额（元）", "变化率"], rows)}
${more}
</section>`;
}

function eligibilitySection(c: Comparison): string {
  const table = (rows: readonly ComparisonRow[]) =>
    rows.length === 0
      ? "<p>无。</p>"
      : denseTable(
          ["受益方", "编号", "项目", "年度", "基线（元）", "改革（元）", "差额（元）", "变化率"],
          rows
            .slice(0, LISTED_ROWS)
            .map(
              (r) =>
                `<tr><td>${escapeHtml(r.beneficiary.name)}</td><td class="id">${escapeHtml(r.beneficiary.id)}</td><td>${escapeHtml(programLabel(c, r.program))}</td><td>${r.period}</td>${amountCells(r)}</tr>`,
            ),
        ) +
        (rows.length > LISTED_ROWS
          ? `<p class="note">另有 ${rows.length - LISTED_ROWS} 行，见 CSV。</p>`
          : "");
  return `<section>
<h2>资格变化</h2>
<h3>获得资格（基线为零，改革后有支付）：${c.gained.length}</h3>
${table(c.gained)}
<h3>丧失资格（基线有支付，改革后为零）：${c.lost.length}</h3>
${table(c.lost)}
</section>`;
}

function chartDiv(chart: ChartData | undefined, heightPx: number): string {
  return chart ? `<div class="chart" id="${chart.id}" style="height:${heightPx}px"></div>` : "";
}

function amountCells(pair: Pair): string {
  const difference = differenceFen(pair);
  const cls = difference < 0n ? "num down" : difference > 0n ? "num up" : "num";
  return (
    `<td class="num" data-fen="${pair.baselineFen}">${fenToGroupedYuan(pair.baselineFen)}</td>` +
    `<td class="num" data-fen="${pair.reformFen}">${fenToGroupedYuan(pair.reformFen)}</td>` +
    `<td class="${cls}" data-fen="${difference}">${signed(difference)}</td>` +
    `<td class="${cls}">${percentChange(pair)}</td>`
  );
}

function totalRow(total: Pair, labelCells: number): string {
  return `<tr class="total"><td colspan="${labelCells}">合计</td>${amountCells(total)}</tr>`;
}

function denseTable(header: readonly string[], rows: readonly string[], footer = ""): string {
  const head = header.map((h, i) => `<th${i >= header.length - 4 ? ' class="num"' : ""}>${h}</th>`).join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join("\n")}</tbody>${footer ? `<tfoot>${footer}</tfoot>` : ""}</table>`;
}

/** The change as a percentage of the baseline, to two decimals cut toward zero; integer arithmetic only. */
export function percentChange(pair: Pair): string {
  if (pair.baselineFen === 0n) return pair.reformFen === 0n ? "0.00%" : "新增";
  const base = pair.baselineFen < 0n ? -pair.baselineFen : pair.baselineFen;
  const basisPoints = (differenceFen(pair) * 10_000n) / base;
  const magnitude = basisPoints < 0n ? -basisPoints : basisPoints;
  const sign = basisPoints < 0n ? "-" : basisPoints > 0n ? "+" : "";
  return `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, "0")}%`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a script element: `<` escaped, so no name in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** A script's text inside a script element: a `</script` in it would end the element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, "<\\/script");
}
