import type { Fen } from "../money";
import type { PeriodBudget } from "../policy/budgets";
import type { BudgetItem, FunderFenLine, VersionedPut } from "./items";
import { keys } from "./keys";
import { type ReleaseMessage, releaseIdOf } from "./payouts";

/**
 * A program's budget for a period as it stands: the item read, or — the first time a period draws on
 * it — opened at the city file's allocation for that period (`budgetsYuan`), one budget or one per
 * funder (payments.md § Budget). The one place a budget opens.
 */
export function openBudget(
  before: BudgetItem | null,
  at: { policyVersion: string; programId: string; period: number; allocated: PeriodBudget },
): BudgetItem {
  if (before) return before;
  const { byFunder } = at.allocated;
  return {
    entity: "budget",
    key: keys.budget(at.policyVersion, at.programId, at.period),
    policyVersion: at.policyVersion,
    programId: at.programId,
    period: at.period,
    allocatedFen: at.allocated.allocatedFen,
    committedFen: 0n,
    heldFen: 0n,
    ...(byFunder ? { funders: byFunder.map((f) => ({ ...f, committedFen: 0n, heldFen: 0n })) } : {}),
    version: 0,
  };
}

/** The next version of a budget (its funders' budgets copied, to be booked into), conditioned on the version read. */
export function nextBudget(budget: BudgetItem, existed: boolean): VersionedPut<BudgetItem> {
  return {
    item: {
      ...budget,
      ...(budget.funders ? { funders: budget.funders.map((f) => ({ ...f })) } : {}),
      version: budget.version + 1,
    },
    expectedVersion: existed ? budget.version : null,
  };
}

const lineOf = (lines: readonly FunderFenLine[] | undefined, funder: string) =>
  lines?.find((l) => l.funder === funder)?.fen ?? 0n;

/**
 * Whether a payout fits its budget: one budget, by its amount; by funder, every funder's line within
 * that funder's budget (a line a fen the other way only frees budget). A payout is held or taken whole.
 */
export function fits(budget: BudgetItem, fen: Fen, lines: readonly FunderFenLine[] | undefined): boolean {
  if (!budget.funders) return budget.committedFen + fen <= budget.allocatedFen;
  return budget.funders.every((f) => {
    const line = lineOf(lines, f.funder);
    return line <= 0n || f.committedFen + line <= f.allocatedFen;
  });
}

/** Adds a payout to what the budget has committed or holds: the program's and each funder's line. */
export function book(
  budget: BudgetItem,
  field: "committedFen" | "heldFen",
  fen: Fen,
  lines: readonly FunderFenLine[] | undefined,
): void {
  budget[field] += fen;
  for (const f of budget.funders ?? []) f[field] += lineOf(lines, f.funder);
}

/**
 * More budget for a program's period — the program's, or one funder's: held payouts become payable
 * oldest first, each through a `release` message, while they fit. Strictly in order: a large old payout
 * is not jumped by newer ones, and by funder it waits until every one of its funders' budgets takes it.
 */
export function allocateBudget(
  budget: BudgetItem,
  existed: boolean,
  allocation: { addedFen: Fen; funder?: string | undefined },
  release: { city: string; releasedAt: string },
): { budget: VersionedPut<BudgetItem>; releases: ReleaseMessage[] } {
  const { addedFen, funder } = allocation;
  if (addedFen <= 0n) throw new RangeError("budget can only be added: the amount must be positive");
  const next = nextBudget({ ...budget, allocatedFen: budget.allocatedFen + addedFen }, existed);
  const target = next.item.funders?.find((f) => f.funder === funder);
  if ((funder === undefined) !== (target === undefined))
    throw new RangeError("an allocation names a funder exactly when the budget is by funder");
  if (target) target.allocatedFen += addedFen;
  const held = next.item.held ?? [];
  const releases: ReleaseMessage[] = [];
  for (const h of held) {
    if (!fits(next.item, h.fen, h.funders)) break;
    book(next.item, "committedFen", h.fen, h.funders);
    book(
      next.item,
      "heldFen",
      -h.fen,
      h.funders?.map((l) => ({ ...l, fen: -l.fen })),
    );
    releases.push({
      kind: "release",
      releaseId: releaseIdOf(h.payoutId),
      payoutId: h.payoutId,
      city: release.city,
      program: budget.programId,
      beneficiary: h.beneficiary,
      period: budget.period,
      releasedAt: release.releasedAt,
    });
  }
  next.item.held = held.slice(releases.length);
  return { budget: next, releases };
}
