/** 概览: a period's payouts and clawbacks by program, district and month, and budget use. */
import { getJson } from "../api";
import { type BarSeries, barChart } from "../chart";
import { h } from "../dom";
import { t } from "../i18n";
import { grouped } from "../money";
import { dataTable } from "../table";
import type { Money, Overview, Totals } from "../types";

/** Fen as a number for a bar's height only: never shown, never summed. */
const height = (money: Money) => Number.parseInt(money.amountFen, 10);
const bar = (money: Money) => ({ fen: height(money), amount: money.amount });
const fen = (money: Money) => height(money);

export async function overviewPage(period: number): Promise<Node> {
  const overview = await getJson<Overview>(`/periods/${period}/overview`);
  const charts = {
    program: h("div", { class: "chart", id: "chart-programs" }),
    district: h("div", { class: "chart", id: "chart-districts" }),
    month: h("div", { class: "chart", id: "chart-months" }),
    budget: h("div", { class: "chart", id: "chart-budgets" }),
  };
  const page = h(
    "section",
    { id: "overview" },
    totalsRow(overview.totals, overview.today),
    h("div", { class: "charts" }, ...Object.values(charts)),
    h("h3", {}, t("program")),
    breakdown("by-program", t("program"), overview.byProgram, (r) => `${r.program} ${r.clause}`),
    h("h3", {}, t("district")),
    h("p", { class: "note" }, t("unreliableDistrict")),
    breakdown(
      "by-district",
      t("district"),
      overview.byDistrict,
      (r) => r.districtName ?? r.district ?? t("none"),
    ),
  );
  // ECharts measures its element: draw once the page is in the document.
  requestAnimationFrame(() => {
    const flows = (rows: Totals[]): BarSeries[] => [
      { name: t("payouts"), values: rows.map((r) => bar(r.payouts)), stack: "flow" },
      { name: t("clawbacks"), values: rows.map((r) => bar(r.clawbacks)), stack: "flow" },
    ];
    barChart(
      charts.program,
      t("program"),
      overview.byProgram.map((r) => r.program),
      flows(overview.byProgram),
    );
    const districts = overview.byDistrict.map((r) => r.districtName ?? r.district ?? t("none"));
    barChart(charts.district, t("district"), districts, flows(overview.byDistrict));
    barChart(
      charts.month,
      t("month"),
      overview.byMonth.map((r) => r.month),
      flows(overview.byMonth),
    );
    barChart(
      charts.budget,
      t("budgets"),
      overview.budgets.map((b) => b.program),
      [
        { name: t("allocated"), values: overview.budgets.map((b) => bar(b.allocated)) },
        { name: t("committed"), values: overview.budgets.map((b) => bar(b.committed)) },
        { name: t("held"), values: overview.budgets.map((b) => bar(b.held)) },
      ],
    );
  });
  return page;
}

function totalsRow(totals: Totals, today: string | null): HTMLElement {
  const card = (id: string, label: string, money: Money) =>
    h(
      "div",
      { class: "card" },
      h("span", {}, label),
      h("strong", { id, "data-fen": money.amountFen }, grouped(money.amount)),
    );
  return h(
    "div",
    { class: "cards" },
    card("total-payouts", t("payouts"), totals.payouts),
    card("total-clawbacks", t("clawbacks"), totals.clawbacks),
    card("total-net", t("net"), totals.net),
    h(
      "div",
      { class: "card" },
      h("span", {}, t("count")),
      h("strong", { id: "total-count" }, String(totals.count)),
    ),
    h("div", { class: "card" }, h("span", {}, t("today")), h("strong", { id: "ledger-today" }, today ?? "—")),
  );
}

function breakdown<R extends Totals>(
  id: string,
  heading: string,
  rows: R[],
  label: (row: R) => string,
): HTMLElement {
  return dataTable({
    id,
    rows,
    columns: [
      { label: heading, text: label },
      {
        label: t("payouts"),
        text: (r) => grouped(r.payouts.amount),
        sortBy: (r) => fen(r.payouts),
        numeric: true,
      },
      {
        label: t("clawbacks"),
        text: (r) => grouped(r.clawbacks.amount),
        sortBy: (r) => fen(r.clawbacks),
        numeric: true,
      },
      { label: t("net"), text: (r) => grouped(r.net.amount), sortBy: (r) => fen(r.net), numeric: true },
      { label: t("count"), text: (r) => String(r.count), sortBy: (r) => r.count, numeric: true },
    ],
  });
}
