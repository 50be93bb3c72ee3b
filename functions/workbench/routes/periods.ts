import { z } from "zod";
import type { BudgetItem } from "../../../shared/decisions/items";
import { keyId, keys } from "../../../shared/decisions/keys";
import type { BatchItem, ClockItem } from "../../../shared/decisions/lifecycle/items";
import type { LedgerReader } from "../../../shared/ledger/reader";
import type { CityPolicy } from "../../../shared/policy/city";
import type { RouteHandler } from "../app";
import { json, moneyOf, parsePart } from "../http";
import { pathOf, period, programId, programOf, query } from "./params";

/** The ledger's date (null before its first clock.day), consistent. */
export async function todayOf(reader: LedgerReader): Promise<string | null> {
  const found = await reader.readItems([keys.clock()]);
  return (found.get(keyId(keys.clock())) as ClockItem | undefined)?.today ?? null;
}

/** Every program of the period's version with a budget that year, as its budget item stands. */
export async function budgetRows(reader: LedgerReader, city: CityPolicy, year: number) {
  const version = city.versionFor(year);
  const budgeted = (version?.programs ?? []).flatMap((program) => {
    const configuredFen = program.budgetsFen?.[String(year)];
    return version && configuredFen !== undefined
      ? [
          {
            key: keys.budget(version.id, program.id, year),
            version: version.id,
            program: program.id,
            configuredFen,
          },
        ]
      : [];
  });
  const found = await reader.readItems(budgeted.map((b) => b.key));
  return budgeted.map((b) => {
    const item = found.get(keyId(b.key)) as BudgetItem | undefined;
    // Before its first write a budget stands at the city file's allocation (decisions/budget.ts).
    const allocatedFen = item?.allocatedFen ?? b.configuredFen;
    const committedFen = item?.committedFen ?? 0n;
    return {
      policyVersion: b.version,
      program: b.program,
      configured: moneyOf(b.configuredFen),
      allocated: moneyOf(allocatedFen),
      committed: moneyOf(committedFen),
      held: moneyOf(item?.heldFen ?? 0n),
      available: moneyOf(allocatedFen - committedFen),
      heldPayouts: item?.held?.length ?? 0,
    };
  });
}

const budgets: RouteHandler = async ({ event, deps }) => {
  const path = parsePart("path", z.strictObject({ period }), pathOf(event));
  parsePart("query", z.strictObject({}), query(event));
  return json(200, { period: path.period, budgets: await budgetRows(deps.reader, deps.city, path.period) });
};

/** A closed batch as the console lists it; its phase read against the ledger's date. */
export function batchView(batch: BatchItem, today: string | null) {
  const phase = batch.approvedOn
    ? "approved"
    : (today ?? batch.closedOn) <= batch.notice.end
      ? "in-publicity"
      : "awaiting-approval";
  const person = (actor: BatchItem["closedBy"] | undefined) =>
    actor ? { id: actor.id, name: actor.name } : null;
  return {
    batchId: batch.batchId,
    seq: batch.seq,
    from: batch.from,
    cutoff: batch.cutoff,
    closedOn: batch.closedOn,
    closedBy: person(batch.closedBy),
    notice: batch.notice,
    lineCount: batch.lineCount,
    approvedOn: batch.approvedOn ?? null,
    approvedBy: person(batch.approvedBy),
    phase,
    instructed: Object.keys(batch.instructions).length,
  };
}

const batches: RouteHandler = async ({ event, deps }) => {
  const path = parsePart("path", z.strictObject({ period, program: programId }), pathOf(event));
  parsePart("query", z.strictObject({}), query(event));
  programOf(deps.city, path.period, path.program);
  const series = keys.series(path.period, path.program);
  const [items, today] = await Promise.all([
    deps.reader.query({ pk: series.pk, skPrefix: "batch#" }),
    todayOf(deps.reader),
  ]);
  return json(200, { today, items: (items as BatchItem[]).map((b) => batchView(b, today)) });
};

export const periodRoutes: Record<string, RouteHandler> = { budgets, batches };
