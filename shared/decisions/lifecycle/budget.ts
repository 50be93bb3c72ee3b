import { periodBudget } from "../../policy/budgets";
import type { Program } from "../../policy/kinds";
import { allocateBudget, openBudget } from "../budget";
import type { BudgetItem } from "../items";
import { keys } from "../keys";
import type { LineItem } from "./items";
import { effect, type LifecycleHandler, needing } from "./outcome";
import { settle } from "./settle";
import { missingForLines } from "./view";
import { WorkingSet } from "./working-set";

/**
 * `budget.allocated` (staff): more budget for a program's period — or, where the city file budgets the
 * period by funder, for one funder of it. Held payouts are released strictly oldest first while they
 * fit, each through a `release` message exactly as before, and their lines pass the budget gate.
 * Allocation is a fact: nothing writes a budget around the core.
 */
export const budgetAllocated: LifecycleHandler<"budget.allocated"> = (message, snapshot, context) => {
  const { policyVersion, program: programId, period, amount, funder, actor } = message.data;
  const program = context.city.program(policyVersion, programId);
  if (!program?.budgetsFen) {
    return { rejected: `data.program: ${programId} has no budget in ${policyVersion}` };
  }
  const wrongFunder = funderProblem(program, policyVersion, period, funder);
  if (wrongFunder) return { rejected: wrongFunder };
  if (!actor.roles.includes("approver"))
    return { rejected: `data.actor.roles: ${actor.id} is not an approver` };
  const key = keys.budget(policyVersion, programId, period);
  const first = needing(snapshot, [key, keys.clock(), keys.agenda()]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const before = ws.read(key, "budget") as BudgetItem | null;
  const allocated = periodBudget(program, period) ?? { allocatedFen: 0n };
  const budget = openBudget(before, { policyVersion, programId, period, allocated });
  // The form a budget opened in stays (a change of form is a new policy version, payments.md § Budget).
  if ((budget.funders !== undefined) !== (funder !== undefined))
    return { rejected: `data.funder: the budget of ${programId} ${period} was opened in another form` };
  const { budget: put, releases } = allocateBudget(
    budget,
    before !== null,
    { addedFen: amount, funder },
    { city: context.city.city, releasedAt: context.now },
  );
  const released = (budget.held ?? []).slice(0, releases.length);
  const lineKeys = released.flatMap((h) => (h.line ? [h.line] : []));
  const second = needing(snapshot, lineKeys);
  if (second) return second;
  const lines = lineKeys
    .map((k) => ws.read(k, "line") as LineItem | null)
    .filter((l): l is LineItem => l !== null);
  const third = needing(snapshot, missingForLines(snapshot, lines, context.city));
  if (third) return third;
  ws.write(put.item);
  return effect(ws, settle(ws, lines, context.city), ...releases);
};

/**
 * An allocation names a funder exactly when the city file budgets the period by funder, and then one
 * of the program's funders; one budget for all takes no funder (payments.md § Budget: no mixing).
 */
function funderProblem(
  program: Program,
  policyVersion: string,
  period: number,
  funder: string | undefined,
): string | undefined {
  const budget = periodBudget(program, period);
  const byFunder = budget?.byFunder;
  const ids = byFunder?.map((f) => f.funder) ?? [];
  if (!budget && funder !== undefined)
    return `data.funder: ${program.id} has no budget by funder for ${period} in ${policyVersion}`;
  if (byFunder && funder === undefined)
    return `data.funder: ${program.id} ${period} is budgeted by funder in ${policyVersion} (${ids.join(", ")}); an allocation must name its funder`;
  if (!byFunder && funder !== undefined)
    return `data.funder: ${program.id} ${period} has one budget for all its funders in ${policyVersion}; an allocation cannot name a funder`;
  if (funder !== undefined && !ids.includes(funder))
    return `data.funder: ${funder} is not a funder of ${program.id} (its funders: ${ids.join(", ")})`;
  return undefined;
}
