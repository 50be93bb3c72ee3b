import type { CityPolicy } from "../../policy/city";
import type { BudgetItem, Snapshot } from "../items";
import { type ItemKey, keys } from "../keys";
import { missing, type Need } from "../snapshot";
import type { BatchItem, BeneficiaryItem, ClockItem, LineItem, LineRef } from "./items";
import { type LineStatus, type LineView, lineStatus } from "./state";
import type { WorkingSet } from "./working-set";

/** The keys a line's state is read from: the line, its batch, its beneficiary, its budget, the clock. */
export function lineViewKeys(
  ref: LineRef,
  beneficiary: Pick<LineItem["beneficiary"], "kind" | "id">,
  city: CityPolicy,
): ItemKey[] {
  // The agenda too: settling a line may put its confirmation deadline on it.
  const wanted: ItemKey[] = [
    keys.clock(),
    keys.agenda(),
    ref.key,
    batchKeyOf(ref),
    keys.beneficiary(beneficiary),
  ];
  const budget = budgetKeyOf(ref, city);
  if (budget) wanted.push(budget);
  return wanted;
}

/** The budget a line's payout committed against, when its program has one for the period. */
export function budgetKeyOf(ref: { program: string; period: number }, city: CityPolicy): ItemKey | undefined {
  const version = city.versionFor(ref.period);
  if (!version || city.program(version.id, ref.program)?.budgetsFen?.[String(ref.period)] === undefined) {
    return undefined;
  }
  return keys.budget(version.id, ref.program, ref.period);
}

export function batchKeyOf(ref: { period: number; program: string; seq: number }): ItemKey {
  return keys.batch(ref.period, ref.program, ref.seq);
}

/** What is still missing to read these lines' states (their line items must be loaded first). */
export function missingForLines(snapshot: Snapshot, lines: readonly LineItem[], city: CityPolicy): Need[] {
  return missing(
    snapshot,
    lines.flatMap((line) => lineViewKeys(line, line.beneficiary, city)),
  );
}

/** A line item's reference, as its beneficiary lists it. */
export function refOf(line: LineItem): LineRef {
  return { key: line.key, program: line.program, period: line.period, seq: line.seq };
}

export function todayOf(ws: WorkingSet): string | null {
  return (ws.read(keys.clock(), "clock") as ClockItem | null)?.today ?? null;
}

/** A line's state as the working set stands (after this fact's own changes). */
export function statusIn(
  ws: WorkingSet,
  line: LineItem,
  city: CityPolicy,
): { status: LineStatus; view: LineView } {
  const batch = ws.read(batchKeyOf(line), "batch") as BatchItem | null;
  const beneficiary = ws.read(keys.beneficiary(line.beneficiary), "beneficiary") as BeneficiaryItem | null;
  const budgetKey = budgetKeyOf(line, city);
  const budget = budgetKey ? (ws.read(budgetKey, "budget") as BudgetItem | null) : null;
  const view: LineView = { line, batch, beneficiary, budget, today: todayOf(ws), rules: city.payments };
  return { status: lineStatus(view), view };
}
