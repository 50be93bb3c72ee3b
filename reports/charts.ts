/**
 * The report's charts: the data the page draws (fen as integers, each with its yuan text made here, exactly)
 * and the script that draws it with ECharts' SVG renderer. The page does no arithmetic on an amount: bars are
 * sized by the integer fen, labels and tooltips show the yuan text given, axis ticks drop the fen digits.
 */
import { fenToGroupedYuan, fenToSafeNumber } from "../shared/money";
import { type Comparison, differenceFen, type Pair } from "../shared/simulate/compare";
import { districtLabel, programLabel } from "./labels";

/** How many beneficiaries the chart of largest changes shows. */
export const CHARTED_BENEFICIARIES = 20;

interface Series {
  name: string;
  fen: number[];
  yuan: string[];
}

export interface ChartData {
  id: string;
  title: string;
  categories: string[];
  series: Series[];
  horizontal: boolean;
}

const series = (name: string, amounts: readonly bigint[]): Series => ({
  name,
  fen: amounts.map(fenToSafeNumber),
  yuan: amounts.map(fenToGroupedYuan),
});

/** Baseline and reform side by side, one category per entry. */
function pairChart(
  id: string,
  title: string,
  entries: readonly (readonly [string, Pair])[],
  horizontal: boolean,
): ChartData {
  return {
    id,
    title,
    categories: entries.map(([label]) => label),
    series: [
      series(
        "基线",
        entries.map(([, p]) => p.baselineFen),
      ),
      series(
        "改革",
        entries.map(([, p]) => p.reformFen),
      ),
    ],
    horizontal,
  };
}

export function chartsOf(c: Comparison): ChartData[] {
  const programs = [...c.programs].map(([program, pair]) => [programLabel(c, program), pair] as const);
  const districts = [...c.districts].map(([district, pair]) => [districtLabel(c, district), pair] as const);
  const changed = c.beneficiaries.filter((b) => b.changed).slice(0, CHARTED_BENEFICIARIES);
  return [
    pairChart("chart-programs", "按项目：基线与改革（元）", programs, true),
    pairChart("chart-districts", "按区县：基线与改革（元）", districts, false),
    {
      id: "chart-beneficiaries",
      title: `变化最大的受益方：差额（元，前 ${changed.length} 名）`,
      categories: changed.map((b) => b.beneficiary.name),
      series: [series("差额", changed.map(differenceFen))],
      horizontal: true,
    },
  ];
}

/** Draws every chart of `#report-data` into its element; plain browser JavaScript, no module loader. */
export const CHART_SCRIPT = `
(function () {
  var charts = JSON.parse(document.getElementById("report-data").textContent);
  // An axis tick in fen, shown in whole yuan: the digits are cut, never divided as a float.
  function yuanTick(fen) {
    if (!Number.isInteger(fen)) return String(fen);
    var digits = String(Math.abs(fen)).padStart(3, "0").slice(0, -2);
    return (fen < 0 ? "-" : "") + digits.replace(/\\B(?=(\\d{3})+$)/g, ",");
  }
  // A tooltip is HTML, and a category may be a registry's name: it is shown as text, never as markup.
  function escaped(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  charts.forEach(function (spec) {
    var element = document.getElementById(spec.id);
    var chart = echarts.init(element, null, { renderer: "svg" });
    var category = { type: "category", data: spec.categories, inverse: spec.horizontal,
      axisLabel: spec.horizontal ? { width: 220, overflow: "truncate" } : { rotate: 40, interval: 0 } };
    var value = { type: "value", axisLabel: { formatter: yuanTick } };
    chart.setOption({
      animation: false,
      title: { text: spec.title, left: 0, top: 0, textStyle: { fontSize: 13, fontWeight: "normal" } },
      legend: { top: 0, right: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        return items.map(function (item) {
          return item.marker + item.seriesName + " ¥" + spec.series[item.seriesIndex].yuan[item.dataIndex];
        }).join("<br>") + "<br>" + escaped(spec.categories[items[0].dataIndex]);
      } },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.fen, barMaxWidth: 18 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
`;
