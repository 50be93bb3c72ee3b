/** 预算: each budgeted program's allocation, use and held payouts, as the API states them. */
import { getJson } from "../api";
import { h } from "../dom";
import { t } from "../i18n";
import { grouped } from "../money";
import { dataTable } from "../table";
import type { Budget, Money } from "../types";

const money = (label: string, pick: (b: Budget) => Money) => ({
  label,
  text: (b: Budget) => grouped(pick(b).amount),
  sortBy: (b: Budget) => Number.parseInt(pick(b).amountFen, 10),
  numeric: true,
});

export async function budgetsPage(period: number): Promise<Node> {
  const { budgets } = await getJson<{ budgets: Budget[] }>(`/periods/${period}/budgets`);
  return h(
    "section",
    { id: "budgets" },
    dataTable({
      id: "budget-table",
      rows: budgets,
      columns: [
        { label: t("program"), text: (b) => b.program },
        { label: "policyVersion", text: (b) => b.policyVersion },
        money("预算 / configured", (b) => b.configured),
        money(t("allocated"), (b) => b.allocated),
        money(t("committed"), (b) => b.committed),
        money(t("held"), (b) => b.held),
        money(t("available"), (b) => b.available),
        {
          label: t("count"),
          text: (b) => String(b.heldPayouts),
          sortBy: (b) => b.heldPayouts,
          numeric: true,
        },
      ],
    }),
  );
}
