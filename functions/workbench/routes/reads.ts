import { z } from "zod";
import type { BudgetItem, Item } from "../../../shared/decisions/items";
import {
  beneficiaryKey,
  type ItemKey,
  keyId,
  keys,
  LEDGER_TABLE,
  ledgerPartition,
  periodStatusKey,
} from "../../../shared/decisions/keys";
import type {
  BatchItem,
  BeneficiaryItem,
  ClockItem,
  LineItem,
  SeriesItem,
} from "../../../shared/decisions/lifecycle/items";
import { lookupKeys } from "../../../shared/decisions/lifecycle/reconcile";
import { LINE_STATES, lineStatus } from "../../../shared/decisions/lifecycle/state";
import { batchKeyOf, batchSeqOf, budgetKeyOf } from "../../../shared/decisions/lifecycle/view";
import type { PayoutMessage } from "../../../shared/decisions/payouts";
import type { LedgerReader } from "../../../shared/ledger/reader";
import type { CityPolicy } from "../../../shared/policy/city";
import type { RouteHandler } from "../app";
import { encodeCursor, fingerprint, json, moneyOf, parsePart } from "../http";
import { beneficiaryParams } from "./beneficiary";
import { pageOf, paging, pathOf, period, programId, programOf, query } from "./params";

const lines: RouteHandler = async ({ event, deps }) => {
  const path = parsePart("path", z.strictObject({ period, program: programId }), pathOf(event));
  const q = parsePart(
    "query",
    z.strictObject({
      state: z.enum(LINE_STATES).optional(),
      district: z.string().min(1).max(64).optional(),
      ...paging,
    }),
    query(event),
  );
  programOf(deps.city, path.period, path.program);
  const pk = ledgerPartition(path.period, path.program);
  const query_ = fingerprint("lines", path, q.state, q.district);
  const page = await deps.reader.queryPage(
    { pk, skPrefix: "line#" },
    pageOf(q, query_, [LEDGER_TABLE.partitionKey, pk]),
  );
  const context = await lineContext(deps.reader, deps.city, path, page.items as LineItem[]);
  const items = (page.items as LineItem[])
    .map((line) => lineView(line, context, deps.city))
    .filter((line) => (!q.state || line.state === q.state) && (!q.district || line.district === q.district));
  return json(200, { items, nextCursor: encodeCursor(query_, page.next) });
};

interface LineContext {
  series: SeriesItem | null;
  batches: Map<string, BatchItem>;
  found: Map<string, Item>;
  today: string | null;
}

/** What line states read besides the line: its series and batches, beneficiaries, budget, the clock. */
async function lineContext(
  reader: LedgerReader,
  city: CityPolicy,
  path: { period: number; program: string },
  items: readonly LineItem[],
): Promise<LineContext> {
  const series = keys.series(path.period, path.program);
  const batchItems = await reader.query({ pk: series.pk, skPrefix: "batch#" });
  const found = await reader.readItems([series, ...lookupKeys({ ...path, items }, city)]);
  return {
    series: (found.get(keyId(series)) as SeriesItem | undefined) ?? null,
    batches: new Map(batchItems.map((b) => [keyId(b.key), b as BatchItem])),
    found,
    today: (found.get(keyId(keys.clock())) as ClockItem | undefined)?.today ?? null,
  };
}

function lineView(line: LineItem, context: LineContext, city: CityPolicy) {
  const batchKey = batchKeyOf(line, context.series);
  const batch = batchKey ? (context.batches.get(keyId(batchKey)) ?? null) : null;
  const get = <T>(key: ItemKey | undefined) =>
    key ? (context.found.get(keyId(key)) as T | undefined) : undefined;
  const { state } = lineStatus({
    line,
    batch,
    beneficiary: get<BeneficiaryItem>(keys.beneficiary(line.beneficiary)) ?? null,
    budget: get<BudgetItem>(budgetKeyOf(line, city)) ?? null,
    today: context.today,
    rules: city.payments,
  });
  const seq = batchSeqOf(line.openedOn, context.series);
  return {
    lineId: line.lineId,
    payoutId: line.payoutId,
    program: line.program,
    clause: line.clause,
    period: line.period,
    policyVersion: line.policyVersion,
    beneficiary: line.beneficiary,
    district: line.district,
    districtName: line.district ? (city.districtName(line.district) ?? null) : null,
    openedOn: line.openedOn,
    batchId: seq === null ? null : `${line.program}-${line.period}-${seq}`,
    state,
    original: moneyOf(line.originalFen),
    remaining: moneyOf(line.amountFen),
    objections: line.objections.map((o) => ({
      objectionId: o.objectionId,
      state: o.state,
      filedOn: o.filedOn,
    })),
  };
}

/** A payout item as the API shows it: the payouts contract, fen as strings. */
export function payoutView(p: PayoutMessage) {
  const { amountFen, amount: _amount, funders, ...rest } = p;
  return {
    ...rest,
    ...moneyOf(amountFen),
    ...(funders ? { funders: funders.map((f) => ({ funder: f.funder, ...moneyOf(f.amountFen) })) } : {}),
  };
}

const payouts: RouteHandler = async ({ event, deps }) => {
  const path = parsePart("path", z.strictObject({ period }), pathOf(event));
  const q = parsePart(
    "query",
    z.strictObject({
      status: z.enum(["payable", "awaiting-budget"]),
      program: programId.optional(),
      ...paging,
    }),
    query(event),
  );
  if (q.program) programOf(deps.city, path.period, q.program);
  const query_ = fingerprint("payouts", path, q.status, q.program);
  const index = LEDGER_TABLE.indexes.byPeriodStatus;
  const page = await deps.reader.payoutsByStatus(
    { period: path.period, status: q.status, program: q.program },
    pageOf(q, query_, [index.pk, periodStatusKey(path.period, q.status)]),
  );
  return json(200, { items: page.items.map(payoutView), nextCursor: encodeCursor(query_, page.next) });
};

const beneficiaryPayouts: RouteHandler = async ({ event, deps }) => {
  const beneficiary = parsePart("path", beneficiaryParams, pathOf(event));
  const q = parsePart("query", z.strictObject({ period: period.optional(), ...paging }), query(event));
  const query_ = fingerprint("beneficiary", beneficiary, q.period);
  const index = LEDGER_TABLE.indexes.byBeneficiary;
  const page = await deps.reader.payoutsOf(
    { beneficiary, period: q.period },
    pageOf(q, query_, [index.pk, beneficiaryKey(beneficiary)]),
  );
  return json(200, { items: page.items.map(payoutView), nextCursor: encodeCursor(query_, page.next) });
};

export const readRoutes: Record<string, RouteHandler> = { lines, payouts, beneficiaryPayouts };
