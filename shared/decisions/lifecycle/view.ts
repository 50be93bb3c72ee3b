import { type LineRefId, NOT_YET_OPENED_ON, parseLineId } from "../../contract";
import { periodBudget } from "../../policy/budgets";
import type { CityPolicy } from "../../policy/city";
import type { BudgetItem, Snapshot } from "../items";
import { type ItemKey, keyId, keys } from "../keys";
import { loaded, missing, type Need } from "../snapshot";
import type { BatchItem, BeneficiaryItem, ClockItem, LineItem, LineRef, SeriesItem } from "./items";
import { needing, type Outcome } from "./outcome";
import { type LineStatus, type LineView, lineStatus } from "./state";
import type { WorkingSet } from "./working-set";

/**
 * The keys a line's state is read from: the line, its series and (once the series is loaded, if the line's
 * batch has closed) its batch, its beneficiary, its budget, the clock — and the agenda, since settling a
 * line may put its confirmation deadline on it.
 */
export function lineViewKeys(
  snapshot: Snapshot,
  ref: LineRef,
  beneficiary: Pick<LineItem["beneficiary"], "kind" | "id">,
  city: CityPolicy,
): ItemKey[] {
  const seriesKey = keys.series(ref.period, ref.program);
  const wanted: ItemKey[] = [keys.clock(), keys.agenda(), ref.key, seriesKey, keys.beneficiary(beneficiary)];
  const budget = budgetKeyOf(ref, city);
  if (budget) wanted.push(budget);
  if (snapshot.has(keyId(seriesKey))) {
    const batch = batchKeyOf(ref, loaded(snapshot, seriesKey, "series"));
    if (batch) wanted.push(batch);
  }
  return wanted;
}

/** The budget a line's payout committed against, when its program has one for the period. */
export function budgetKeyOf(ref: { program: string; period: number }, city: CityPolicy): ItemKey | undefined {
  const version = city.versionFor(ref.period);
  const program = version && city.program(version.id, ref.program);
  if (!version || !program || periodBudget(program, ref.period) === undefined) {
    return undefined;
  }
  return keys.budget(version.id, ref.program, ref.period);
}

/** The seq of the batch holding a line opened on `openedOn`; null while its batch is still open. */
export function batchSeqOf(openedOn: string | null, series: SeriesItem | null): number | null {
  const day = openedOn ?? NOT_YET_OPENED_ON;
  const index = (series?.cutoffs ?? []).findIndex((cutoff) => day < cutoff);
  return index === -1 ? null : index + 1;
}

/** The key of a line's closed batch, from its series' cut-offs; null while its batch is open. */
export function batchKeyOf(
  ref: { period: number; program: string; openedOn: string | null },
  series: SeriesItem | null,
): ItemKey | null {
  const seq = batchSeqOf(ref.openedOn, series);
  return seq === null ? null : keys.batch(ref.period, ref.program, seq);
}

/**
 * The line a published id names (the contract checked its form): its key once it, its series and the
 * clock are loaded — until then, what to read — and its batch's key from the series (null while open).
 */
export function namedLineKeys(
  lineId: string,
  snapshot: Snapshot,
): Outcome | { ref: LineRefId; key: ItemKey; seriesKey: ItemKey; batchKey: ItemKey | null } {
  const ref = parseLineId(lineId) as LineRefId;
  const key = keys.line(ref);
  const seriesKey = keys.series(ref.period, ref.program);
  const first = needing(snapshot, [key, seriesKey, keys.clock()]);
  if (first) return first;
  return { ref, key, seriesKey, batchKey: batchKeyOf(ref, loaded(snapshot, seriesKey, "series")) };
}

/** A line's closed batch as the working set stands (its series must be loaded); null while open. */
export function batchOf(ws: WorkingSet, line: LineItem | LineRef): BatchItem | null {
  const series = ws.read(keys.series(line.period, line.program), "series") as SeriesItem | null;
  const key = batchKeyOf(line, series);
  return key ? (ws.read(key, "batch") as BatchItem | null) : null;
}

/** What is still missing to read these lines' states (their line items must be loaded first). */
export function missingForLines(snapshot: Snapshot, lines: readonly LineItem[], city: CityPolicy): Need[] {
  return missing(
    snapshot,
    lines.flatMap((line) => lineViewKeys(snapshot, refOf(line), line.beneficiary, city)),
  );
}

/** A line item's reference, as its beneficiary lists it. */
export function refOf(line: LineItem): LineRef {
  return { key: line.key, program: line.program, period: line.period, openedOn: line.openedOn };
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
  const batch = batchOf(ws, line);
  const beneficiary = ws.read(keys.beneficiary(line.beneficiary), "beneficiary") as BeneficiaryItem | null;
  const budgetKey = budgetKeyOf(line, city);
  const budget = budgetKey ? (ws.read(budgetKey, "budget") as BudgetItem | null) : null;
  const view: LineView = { line, batch, beneficiary, budget, today: todayOf(ws), rules: city.payments };
  return { status: lineStatus(view), view };
}
