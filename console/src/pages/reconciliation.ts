/** 对账: the period's lines by state and any unit that does not balance, as `npm run reconcile` reports. */
import { getJson } from "../api";
import { h } from "../dom";
import { t } from "../i18n";
import { grouped } from "../money";
import { dataTable } from "../table";
import type { Reconciliation } from "../types";

export async function reconciliationPage(period: number): Promise<Node> {
  const report = await getJson<Reconciliation>(`/periods/${period}/reconciliation`);
  return h(
    "section",
    { id: "reconciliation" },
    h(
      "p",
      { id: "reconciliation-status", "data-balanced": String(report.balanced) },
      `${report.balanced ? t("balanced") : t("difference")} · ${t("units")} ${report.units}`,
    ),
    dataTable({
      id: "reconciliation-states",
      rows: report.states,
      columns: [
        { label: t("state"), text: (s) => s.state },
        { label: t("lines"), text: (s) => String(s.lines), sortBy: (s) => s.lines, numeric: true },
        {
          label: t("amount"),
          text: (s) => grouped(s.amount),
          sortBy: (s) => Number.parseInt(s.amountFen, 10),
          numeric: true,
        },
      ],
    }),
    report.unbalanced.length
      ? dataTable({
          id: "reconciliation-unbalanced",
          rows: report.unbalanced,
          columns: [
            { label: t("program"), text: (u) => u.program },
            { label: t("beneficiary"), text: (u) => u.beneficiary },
            { label: t("entitlement"), text: (u) => grouped(u.entitlement.amount), numeric: true },
            { label: t("difference"), text: (u) => grouped(u.difference.amount), numeric: true },
          ],
        })
      : null,
  );
}
