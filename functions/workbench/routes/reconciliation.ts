import { z } from "zod";
import {
  type Bucket,
  type ReconcileSource,
  reconcileLedger,
  type UnitBalance,
} from "../../../shared/decisions/lifecycle/reconcile";
import type { Fen } from "../../../shared/money";
import type { RouteHandler } from "../app";
import { json, moneyOf, parsePart } from "../http";
import { pathOf, period, query } from "./params";

/**
 * The source `npm run reconcile` reads (scripts/reconcile.ts), limited to one period: the other periods'
 * partitions read as empty, which reconcileLedger skips, so the report is the command's for that period.
 */
function periodSource(source: ReconcileSource, year: number): ReconcileSource {
  return {
    partition: async (p, program) => (p === year ? source.partition(p, program) : []),
    readItems: (keys) => source.readItems(keys),
  };
}

function unitView(u: UnitBalance) {
  return {
    program: u.program,
    period: u.period,
    beneficiary: u.beneficiary,
    entitlement: moneyOf(u.entitlementFen),
    buckets: Object.fromEntries(
      (Object.entries(u.buckets) as [Bucket, Fen][]).map(([bucket, fen]) => [bucket, moneyOf(fen)]),
    ),
    difference: moneyOf(u.differenceFen),
  };
}

const reconciliation: RouteHandler = async ({ event, deps }) => {
  const path = parsePart("path", z.strictObject({ period }), pathOf(event));
  parsePart("query", z.strictObject({}), query(event));
  const report = await reconcileLedger(periodSource(deps.reader, path.period), deps.city);
  return json(200, {
    period: path.period,
    balanced: report.unbalanced.length === 0,
    units: report.units.length,
    states: [...report.states].map(([state, t]) => ({ state, lines: t.lines, ...moneyOf(t.fen) })),
    unbalanced: report.unbalanced.map(unitView),
  });
};

export const reconciliationRoutes: Record<string, RouteHandler> = { reconciliation };
