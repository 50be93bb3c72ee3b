/**
 * 追加预算 (approver only: POST /budgets, workbench.md § Actions): a `budget.allocated` fact with a fresh
 * Idempotency-Key. The amount is the typed yuan string, checked against the contract's shape and sent as
 * typed (never through a float); the funder is asked for exactly where the program's period is budgeted by
 * funder. The 202 is shown, then the budgets are read until the ledger shows the allocation.
 */
import { act, getJson, until } from "../api";
import { fill, h } from "../dom";
import { t } from "../i18n";
import { grouped, positiveYuanToFen } from "../money";
import { acceptedBox, problemBox } from "../notice";
import type { ActionAccepted, Budget, Money } from "../types";

interface Allocation {
  period: number;
  budget: Budget;
  funder: string | undefined;
  amount: string;
}

export function budgetForm(period: number, budgets: Budget[], applied: () => void): HTMLElement {
  const program = h("select", { id: "allocate-program" }, ...budgets.map((b) => h("option", {}, b.program)));
  const funder = h("select", { id: "allocate-funder" });
  const funderLabel = h("label", {}, `${t("funder")} `, funder);
  const amount = h("input", {
    id: "allocate-amount",
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
  });
  const result = h("div", { id: "allocate-result", class: "action-result" });
  const budgetOf = () => budgets.find((b) => b.program === program.value);
  const showFunders = () => {
    const funders = budgetOf()?.funders ?? [];
    fill(funder, ...funders.map((f) => h("option", {}, f.funder)));
    funderLabel.hidden = funders.length === 0;
  };
  program.addEventListener("change", showFunders);
  showFunders();
  const form = h(
    "form",
    { id: "allocate", class: "allocate" },
    h("h3", {}, `${t("allocate")} · ${t("period")} ${period}`),
    h("label", {}, `${t("program")} `, program),
    funderLabel,
    h("label", {}, `${t("amount")} `, amount),
    h("button", { type: "submit", id: "allocate-submit" }, t("allocateSubmit")),
    result,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const budget = budgetOf();
    if (!budget) return;
    const chosen = funderLabel.hidden ? undefined : funder.value;
    void allocate({ period, budget, funder: chosen, amount: amount.value.trim() }, result, applied);
  });
  return form;
}

async function allocate(allocation: Allocation, result: HTMLElement, applied: () => void): Promise<void> {
  const { period, budget, funder, amount } = allocation;
  const fen = positiveYuanToFen(amount);
  if (fen === null)
    return fill(result, h("div", { class: "problem invalid", role: "alert" }, t("invalidYuan")));
  fill(result, h("p", { class: "loading" }, t("loading")));
  try {
    const before = BigInt(allocatedOf(await budgetNow(period, budget.program), funder)?.amountFen ?? "0");
    const body = { policyVersion: budget.policyVersion, program: budget.program, period, amount, funder };
    const accepted = await act<ActionAccepted>("/budgets", body);
    fill(result, acceptedBox(`${accepted.type} ${accepted.factId} (${accepted.actor.name})`));
    // The core adds the allocation when it decides the fact: read until the ledger's figure is before + amount.
    let shown: Money | undefined;
    const appeared = await until(async () => {
      shown = allocatedOf(await budgetNow(period, budget.program), funder);
      return shown !== undefined && BigInt(shown.amountFen) === before + fen;
    });
    const text =
      appeared && shown ? `${t("allocationApplied")} ${grouped(shown.amount)}` : t("allocationPending");
    result.append(
      h(
        "div",
        {
          class: "applied",
          id: "allocate-applied",
          "data-applied": String(appeared),
          "data-fen": shown?.amountFen ?? "",
        },
        text,
      ),
    );
    applied();
  } catch (error) {
    fill(result, problemBox(error));
  }
}

async function budgetNow(period: number, program: string): Promise<Budget | undefined> {
  const { budgets } = await getJson<{ budgets: Budget[] }>(`/periods/${period}/budgets`);
  return budgets.find((b) => b.program === program);
}

/** The allocated figure the allocation adds to: the funder's own where it names one. */
function allocatedOf(budget: Budget | undefined, funder: string | undefined): Money | undefined {
  if (!funder) return budget?.allocated;
  return budget?.funders?.find((f) => f.funder === funder)?.allocated;
}
