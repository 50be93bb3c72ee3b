/**
 * Bar charts with Apache ECharts, bundled from node_modules (nothing fetched at run time), drawn in SVG.
 * Bar heights are integer fen as numbers (geometry only); the tooltip shows the API's yuan strings, and
 * the value axis carries no money labels computed here.
 */
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { grouped } from "./money";

echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);

export const FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

export interface BarSeries {
  name: string;
  /** Per category: the bar's fen (as a number, for its height) and the amount as the API gave it. */
  values: { fen: number; amount: string }[];
  stack?: string;
}

export function barChart(element: HTMLElement, title: string, categories: string[], series: BarSeries[]) {
  const chart = echarts.getInstanceByDom(element) ?? echarts.init(element, undefined, { renderer: "svg" });
  chart.setOption(
    {
      // Drawn at once: a screenshot or a glance never catches bars still growing from zero.
      animation: false,
      textStyle: { fontFamily: FONT },
      title: { text: title, textStyle: { fontSize: 14, fontFamily: FONT } },
      legend: { top: 0, right: 0, textStyle: { fontFamily: FONT } },
      tooltip: {
        trigger: "item",
        formatter: (p: { seriesName?: string; name?: string; data?: { amount?: string } }) =>
          `${p.seriesName ?? ""}<br/>${p.name ?? ""}: ${grouped(p.data?.amount ?? "")}`,
      },
      grid: { left: 16, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: {
        type: "category",
        data: categories,
        axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 },
      },
      yAxis: { type: "value", axisLabel: { show: false } },
      series: series.map((s) => ({
        type: "bar",
        name: s.name,
        stack: s.stack,
        data: s.values.map((v) => ({ value: v.fen, amount: v.amount })),
        // The exact amount the API gave, on the bar, where there is room for it.
        label: {
          show: categories.length <= 8,
          position: "inside",
          fontFamily: FONT,
          formatter: (p: { data?: { amount?: string; value?: number } }) =>
            p.data?.value ? grouped(p.data.amount ?? "") : "",
        },
      })),
    },
    true,
  );
  return chart;
}
