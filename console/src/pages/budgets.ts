/**
 * 预算: each budgeted program's allocation, use and held payouts, as the API states them, each funder's
 * part where the program is budgeted by funder, and — for an approver — the allocation form.
 */
import { getJson } from "../api";
import { h } from "../dom";
import { t } from "../i18n";
import { grouped } from "../money";
import { loadInto } from "../notice";
import { dataTable } from "../table";
import type { Budget, FunderBudget, Money } from "../types";
import { budgetForm } from "./budget-form";

const money = <R>(label: string, pick: (row: R) => Money) => ({
  label,
  text: (row: R) => grouped(pick(row).amount),
  sortBy: (row: R) => Number.parseInt(pick(row).amountFen, 10),
  numeric: true,
});

type FunderRow = FunderBudget & { program: string };

export async function budgetsPage(period: number, role: string | undefined): Promise<Node> {
  const { budgets } = await getJson<{ budgets: Budget[] }>(`/periods/${period}/budgets`);
  const tables = h("div", { id: "budget-tables" }, ...budgetTables(budgets));
  const reload = () =>
    void loadInto(tables, async () => {
      const fresh = await getJson<{ budgets: Budget[] }>(`/periods/${period}/budgets`);
      return h("div", {}, ...budgetTables(fresh.budgets));
    });
  // The route admits approvers only (WORKBENCH_ROUTES); another role is not shown a form it cannot use.
  const form = role === "approver" && budgets.length > 0 ? budgetForm(period, budgets, reload) : null;
  return h("section", { id: "budgets" }, form, tables);
}

function budgetTables(budgets: Budget[]): Node[] {
  const byFunder: FunderRow[] = budgets.flatMap((b) =>
    (b.funders ?? []).map((f) => ({ ...f, program: b.program })),
  );
  const programs = dataTable({
    id: "budget-table",
    rows: budgets,
    columns: [
      { label: t("program"), text: (b) => b.program },
      { label: "policyVersion", text: (b) => b.policyVersion },
      money<Budget>("预算 / configured", (b) => b.configured),
      money<Budget>(t("allocated"), (b) => b.allocated),
      money<Budget>(t("committed"), (b) => b.committed),
      money<Budget>(t("held"), (b) => b.held),
      money<Budget>(t("available"), (b) => b.available),
      { label: t("count"), text: (b) => String(b.heldPayouts), sortBy: (b) => b.heldPayouts, numeric: true },
    ],
  });
  if (byFunder.length === 0) return [programs];
  const funders = dataTable({
    id: "budget-funders",
    rows: byFunder,
    columns: [
      { label: t("program"), text: (f) => f.program },
      { label: t("funder"), text: (f) => f.funder },
      money<FunderRow>(t("allocated"), (f) => f.allocated),
      money<FunderRow>(t("committed"), (f) => f.committed),
      money<FunderRow>(t("held"), (f) => f.held),
      money<FunderRow>(t("available"), (f) => f.available),
    ],
  });
  return [programs, h("h3", {}, t("allAllocations")), funders];
}
