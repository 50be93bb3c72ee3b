import { fenToSafeNumber } from "../../money";
import { allocateBudget, openBudget } from "../budget";
import type { BudgetItem } from "../items";
import { keys } from "../keys";
import type { PayoutMessage } from "../payouts";
import type { LineItem } from "./items";
import { effect, type LifecycleHandler, needing } from "./outcome";
import { settle } from "./settle";
import { missingForLines } from "./view";
import { WorkingSet } from "./working-set";

/**
 * `budget.allocated` (staff): more budget for a program's period. Held payouts are released strictly
 * oldest first while they fit, each through a `release` message exactly as before, and their lines pass
 * the budget gate. Allocation is a fact: nothing writes a budget around the core.
 */
export const budgetAllocated: LifecycleHandler<"budget.allocated"> = (message, snapshot, context) => {
  const { policyVersion, program: programId, period, amount, actor } = message.data;
  const program = context.city.program(policyVersion, programId);
  if (!program?.budgetsFen) {
    return { rejected: `data.program: ${programId} has no budget in ${policyVersion}` };
  }
  if (!actor.roles.includes("approver"))
    return { rejected: `data.actor.roles: ${actor.id} is not an approver` };
  const key = keys.budget(policyVersion, programId, period);
  const first = needing(snapshot, [key, keys.clock(), keys.agenda()]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const before = ws.read(key, "budget") as BudgetItem | null;
  const allocatedFen = program.budgetsFen[String(period)] ?? 0n;
  const budget = openBudget(before, { policyVersion, programId, period, allocatedFen });
  const held = budget.held ?? [];
  const asPayouts = held.map((h) => heldPayout(h, context.city.city, programId, period, policyVersion));
  const { budget: put, releases } = allocateBudget(budget, before !== null, amount, asPayouts, context.now);
  const released = held.slice(0, releases.length);
  const lineKeys = released.flatMap((h) => (h.line ? [h.line] : []));
  const second = needing(snapshot, lineKeys);
  if (second) return second;
  const lines = lineKeys
    .map((k) => ws.read(k, "line") as LineItem | null)
    .filter((l): l is LineItem => l !== null);
  const third = needing(snapshot, missingForLines(snapshot, lines, context.city));
  if (third) return third;
  ws.write({ ...put.item, held: held.slice(releases.length) });
  return effect(ws, settle(ws, lines, context.city), ...releases);
};

/** A held entry as the payout it is, for the release message (which carries no amount). */
function heldPayout(
  h: NonNullable<BudgetItem["held"]>[number],
  city: string,
  program: string,
  period: number,
  policyVersion: string,
): PayoutMessage {
  return {
    kind: "payout",
    payoutId: h.payoutId,
    city,
    program,
    clause: "",
    policyVersion,
    beneficiary: h.beneficiary,
    period,
    amountFen: fenToSafeNumber(h.fen),
    amount: "",
    status: "awaiting-budget",
    cause: { source: "", id: "", type: "budget.allocated" },
    explanation: "",
    computedAt: "",
  };
}
