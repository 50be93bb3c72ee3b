import { type Fen, fenToYuan } from "../money";
import { type PeriodBudget, periodBudget } from "../policy/budgets";
import type { Program } from "../policy/kinds";
import { book, fits, nextBudget, openBudget } from "./budget";
import { addLines, describeSplit, type FunderFen, funderLines } from "./funders";
import type { BudgetItem, FunderFenLine, MessageRef, Snapshot, UnitItem, VersionedPut } from "./items";
import { type ItemKey, keyId, keys } from "./keys";
import { type PayoutMessage, payoutIdOf, payoutMessage } from "./payouts";
import { loaded } from "./snapshot";
import type { Recomputed } from "./units";

/** From recomputed units to payout messages: the differences to pay, committed against budgets. */

export interface PendingPayout {
  program: Program;
  unit: UnitItem;
  period: number;
  deltaFen: Fen;
  /** Each funder's line, when the program names funders: Σ = `deltaFen` (funders.ts). */
  funderFen: FunderFen | undefined;
  explanation: string;
  /** The city file's allocation for the period (one, or by funder), when the program has a budget for it. */
  budget: PeriodBudget | undefined;
  budgetKey: ItemKey;
}

/**
 * The differences to pay, one per (program, beneficiary, period) — the payout's identity — even when one
 * fact moves several units of it (a replacement that changes which unit a fact feeds): their deltas add up.
 */
export function payoutsOf(units: readonly Recomputed[]): PendingPayout[] {
  const byIdentity = new Map<string, PendingPayout>();
  for (const unit of units) {
    for (const { period, entitledFen, paidFen } of unit.periods) {
      if (entitledFen === paidFen) continue;
      const deltaFen = entitledFen - paidFen;
      const label = unit.next.label ? `[${unit.next.label}] ` : "";
      // What was paid is the previous entitlement: split both, so each funder pays its own difference.
      const funders = unit.program.funders;
      const funderFen = funders && funderLines(paidFen, entitledFen, funders);
      const explanation =
        `${label}${unit.formula}; entitlement ${fenToYuan(entitledFen)}, paid before ${fenToYuan(paidFen)}` +
        ` → ${deltaFen > 0n ? "+" : ""}${fenToYuan(deltaFen)}` +
        (funders ? `; ${describeSplit(paidFen, entitledFen, funders)}` : "");
      const b = unit.next.beneficiary;
      const identity = `${unit.program.id}|${unit.next.policyVersion}|${b.kind}:${b.id}|${period}`;
      const same = byIdentity.get(identity);
      if (same) {
        same.deltaFen += deltaFen;
        if (same.funderFen && funderFen) addLines(same.funderFen, funderFen);
        same.explanation += `; ${explanation}`;
        continue;
      }
      byIdentity.set(identity, {
        program: unit.program,
        unit: unit.next,
        period,
        deltaFen,
        funderFen,
        explanation,
        budget: periodBudget(unit.program, period),
        budgetKey: keys.budget(unit.next.policyVersion, unit.program.id, period),
      });
    }
  }
  return [...byIdentity.values()].filter((p) => p.deltaFen !== 0n);
}

/**
 * A budgeted program commits each payout against its period's budget in the same transaction; past
 * it the payout is held `awaiting-budget` (whole, never split). By funder, each funder's line commits
 * against that funder's budget, and a payout one of them cannot take is held whole (payments.md §
 * Budget). Clawbacks free budget: they are money recovered or withheld from the next payment.
 */
export function commitBudgets(
  pending: readonly PendingPayout[],
  snapshot: Snapshot,
  ref: MessageRef,
  context: { city: { city: string }; now: string },
): { messages: PayoutMessage[]; budgets: VersionedPut<BudgetItem>[] } {
  const budgets = new Map<string, VersionedPut<BudgetItem>>();
  const messages = pending.map((p) => {
    let status: PayoutMessage["status"] = "payable";
    const payoutId = payoutIdOf(context.city.city, ref, p.program.id, p.unit.beneficiary, p.period);
    if (p.budget !== undefined) {
      const put = budgets.get(keyId(p.budgetKey)) ?? budgetToCommit(snapshot, p, p.budget);
      budgets.set(keyId(p.budgetKey), put);
      const budget = put.item;
      const lines = budget.funders && fenLines(p.funderFen);
      if (p.deltaFen > 0n && !fits(budget, p.deltaFen, lines)) {
        status = "awaiting-budget";
        book(budget, "heldFen", p.deltaFen, lines);
        // Oldest first: the order a later allocation releases them in.
        budget.held = [
          ...(budget.held ?? []),
          {
            payoutId,
            fen: p.deltaFen,
            beneficiary: p.unit.beneficiary,
            ...(lines ? { funders: lines } : {}),
          },
        ];
      } else {
        book(budget, "committedFen", p.deltaFen, lines);
      }
    }
    return payoutMessage({
      payoutId,
      city: context.city.city,
      program: p.program.id,
      clause: p.program.clause,
      policyVersion: p.unit.policyVersion,
      beneficiary: p.unit.beneficiary,
      period: p.period,
      amountFen: p.deltaFen,
      funderFen: p.funderFen,
      status,
      cause: ref,
      explanation: p.explanation,
      computedAt: context.now,
    });
  });
  return { messages, budgets: [...budgets.values()] };
}

/** The budget a payout commits against, opened at the city file's allocation if it is new. */
function budgetToCommit(
  snapshot: Snapshot,
  p: PendingPayout,
  allocated: PeriodBudget,
): VersionedPut<BudgetItem> {
  const before = loaded(snapshot, p.budgetKey, "budget");
  const budget = openBudget(before, {
    policyVersion: p.unit.policyVersion,
    programId: p.program.id,
    period: p.period,
    allocated,
  });
  return nextBudget(budget, before !== null);
}

/** A payout's funder lines as a budget keeps them. */
function fenLines(funderFen: FunderFen | undefined): FunderFenLine[] | undefined {
  return funderFen && [...funderFen].map(([funder, fen]) => ({ funder, fen }));
}
