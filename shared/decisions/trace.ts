import { parseLineId } from "../contract";
import { type Fen, fenToYuan } from "../money";
import type { BeneficiaryKind } from "../policy/parties";
import type { HistoryItem, HistoryUnit } from "./history";
import type { Item } from "./items";
import { type ItemKey, keyId, keys } from "./keys";
import type { BatchItem, LineItem, SeriesItem } from "./lifecycle/items";
import { batchKeyOf } from "./lifecycle/view";

/**
 * A beneficiary's trace (workbench.md § Trace): "why this amount" and "why nothing", assembled from its
 * history items (in key order: the facts' times) and, for what batch-wide facts did to its lines, the line,
 * series and batch items those lines name. Pure: the same items give the same view.
 */

/** An amount as the workbench shows it: yuan with two decimals, and fen as a decimal string. */
export interface Money {
  amount: string;
  amountFen: string;
}
const money = (fen: Fen): Money => ({ amount: fenToYuan(fen), amountFen: fen.toString() });

export interface TraceEvent {
  fact: HistoryItem["fact"];
  reason: HistoryItem["reason"] | null;
  /** It happened before a fact listed after it, but was decided after that one (it arrived late). */
  decidedLate: boolean;
  units: (Omit<HistoryUnit, "periods"> & { period: number; before: Money; after: Money })[];
  payouts: {
    payoutId: string;
    program: string;
    period: number;
    amount: Money;
    status: string;
    explanation: string;
  }[];
  lines: { lineId: string; from: string | null; to: string | null; remaining: Money }[];
  receivables: { program: string; period: number; owedBefore: Money; owedAfter: Money }[];
}

export interface TraceLine {
  lineId: string;
  program: string;
  period: number;
  batchId: string | null;
  original: Money;
  remaining: Money;
  /** What happened to the line, by day: from the line item and its batch's latches. */
  steps: { on: string | null; what: string; by?: string }[];
}

export interface TraceView {
  beneficiary: { kind: string; id: string; name: string | null };
  events: TraceEvent[];
  /** Each unit's entitlement as the latest decision of it in these events says. */
  entitlements: {
    policyVersion: string;
    program: string;
    unitKey: string;
    period: number;
    entitlement: Money;
  }[];
  totals: { entitlement: Money; changes: Money; payouts: Money };
  lines: TraceLine[];
  /** When the entitlement is nothing: why, one sentence per fact (or that no fact names it). */
  whyNothing: string[];
}

export function traceOf(beneficiary: { kind: string; id: string }, items: readonly Item[]): TraceView {
  const history = items
    .filter((i): i is HistoryItem => i.entity === "history")
    .sort((a, b) => (a.key.sk < b.key.sk ? -1 : a.key.sk > b.key.sk ? 1 : 0));
  const late = lateEvents(history);
  const events = history.map((h, i) => eventOf(h, late.has(i)));
  const latest = new Map<string, { unit: HistoryUnit; period: number; afterFen: Fen }>();
  for (const unit of history.flatMap((h) => h.units ?? [])) {
    for (const p of unit.periods) {
      const id = `${unit.policyVersion}#${unit.program}#${unit.unitKey}#${p.period}`;
      const seen = latest.get(id);
      if (!seen || seen.unit.version < unit.version)
        latest.set(id, { unit, period: p.period, afterFen: p.afterFen });
    }
  }
  const entitlements = [...latest.values()].map(({ unit, period, afterFen }) => ({
    policyVersion: unit.policyVersion,
    program: unit.program,
    unitKey: unit.unitKey,
    period,
    entitlement: money(afterFen),
  }));
  const entitlementFen = [...latest.values()].reduce((sum, l) => sum + l.afterFen, 0n);
  const changesFen = history
    .flatMap((h) => h.units ?? [])
    .flatMap((u) => u.periods)
    .reduce((sum, p) => sum + p.afterFen - p.beforeFen, 0n);
  const payoutsFen = history.flatMap((h) => h.payouts ?? []).reduce((sum, p) => sum + p.amountFen, 0n);
  const name = history.find((h) => h.beneficiary.name)?.beneficiary.name ?? null;
  return {
    beneficiary: { kind: beneficiary.kind, id: beneficiary.id, name },
    events,
    entitlements,
    totals: { entitlement: money(entitlementFen), changes: money(changesFen), payouts: money(payoutsFen) },
    lines: linesOf(items),
    whyNothing: entitlementFen === 0n ? whyNothing(beneficiary, history) : [],
  };
}

function eventOf(h: HistoryItem, decidedLate: boolean): TraceEvent {
  return {
    fact: { ...h.fact, data: asSent(h.fact.data) },
    reason: h.reason ?? null,
    decidedLate,
    units: (h.units ?? []).flatMap(({ periods, ...unit }) =>
      periods.map((p) => ({
        ...unit,
        period: p.period,
        before: money(p.beforeFen),
        after: money(p.afterFen),
      })),
    ),
    payouts: (h.payouts ?? []).map(({ amountFen, ...p }) => ({ ...p, amount: money(amountFen) })),
    lines: (h.lines ?? []).map((l) => ({
      lineId: l.lineId,
      from: l.from,
      to: l.to,
      remaining: money(l.amountFen),
    })),
    receivables: (h.receivables ?? []).map((r) => ({
      program: r.program,
      period: r.period,
      owedBefore: money(r.owedBeforeFen),
      owedAfter: money(r.owedAfterFen),
    })),
  };
}

/**
 * Events that happened before a later-listed event of the same unit but were decided after it: the unit's
 * version (its n-th change) is the order of decision, the list is the order of the facts' times.
 */
function lateEvents(history: readonly HistoryItem[]): Set<number> {
  const late = new Set<number>();
  const byUnit = new Map<string, { index: number; version: number }[]>();
  history.forEach((h, index) => {
    for (const u of h.units ?? []) {
      const id = `${u.policyVersion}#${u.program}#${u.unitKey}`;
      byUnit.set(id, [...(byUnit.get(id) ?? []), { index, version: u.version }]);
    }
  });
  for (const entries of byUnit.values()) {
    for (const a of entries)
      if (entries.some((b) => b.index > a.index && b.version < a.version)) late.add(a.index);
  }
  return late;
}

const REASONS: Record<NonNullable<HistoryItem["reason"]>, string> = {
  "no-policy": "no policy version of the city was in force on the fact's date",
  "not-covered": "no program of the policy in force pays for this fact",
  replay: "the same fact already stood (sent again under another id): nothing changed",
  superseded: "a later version of the fact already stood: this older one changes nothing",
  unchanged: "recomputed, and the entitlement did not move",
};

function whyNothing(beneficiary: { kind: string; id: string }, history: readonly HistoryItem[]): string[] {
  if (!history.length) return [`no fact in this ledger names ${beneficiary.kind} ${beneficiary.id}`];
  return history.map((h) => {
    const fact = `${h.fact.type} ${h.fact.naturalKey} (${h.fact.time.slice(0, 10)})`;
    const workings = (h.units ?? []).flatMap((u) => (u.formula ? [u.formula] : []));
    if (h.reason) return `${fact}: ${REASONS[h.reason]}${workings.length ? ` — ${workings.join("; ")}` : ""}`;
    const moved = (h.units ?? []).flatMap((u) =>
      u.periods.map((p) => `${u.program} ${p.period} ${fenToYuan(p.beforeFen)} → ${fenToYuan(p.afterFen)}`),
    );
    return `${fact}: ${moved.join("; ") || "moved no entitlement"}`;
  });
}

/** The beneficiary's lines among the items, each with what its batch latched for it. */
function linesOf(items: readonly Item[]): TraceLine[] {
  const byKey = new Map(items.map((i) => [keyId(i.key), i]));
  return items
    .filter((i): i is LineItem => i.entity === "line")
    .map((line) => {
      const series = byKey.get(keyId(keys.series(line.period, line.program))) as SeriesItem | undefined;
      const batchKey = batchKeyOf(line, series ?? null);
      const batch = batchKey ? (byKey.get(keyId(batchKey)) as BatchItem | undefined) : undefined;
      return {
        lineId: line.lineId,
        program: line.program,
        period: line.period,
        batchId: batch?.batchId ?? null,
        original: money(line.originalFen),
        remaining: money(line.amountFen),
        steps: stepsOf(line, batch),
      };
    })
    .sort((a, b) => a.lineId.localeCompare(b.lineId));
}

type Step = TraceLine["steps"][number];

function stepsOf(line: LineItem, batch: BatchItem | undefined): Step[] {
  const steps: Step[] = [{ on: line.openedOn, what: `opened for ${fenToYuan(line.originalFen)}` }];
  if (line.requeuedFrom) steps.push({ on: line.openedOn, what: `requeued from ${line.requeuedFrom}` });
  if (batch) {
    steps.push({
      on: batch.closedOn,
      what: `in ${batch.batchId}, 公示 ${batch.notice.start} – ${batch.notice.end}`,
      ...(batch.closedBy ? { by: batch.closedBy.id } : {}),
    });
    if (batch.approvedOn)
      steps.push({
        on: batch.approvedOn,
        what: "approved",
        ...(batch.approvedBy ? { by: batch.approvedBy.id } : {}),
      });
    const notice = batch.notices[line.hash];
    if (notice) steps.push({ on: notice.sentOn, what: `payment notice sent, answer by ${notice.deadline}` });
    const instruction = batch.instructions[line.hash];
    if (instruction)
      steps.push({
        on: instruction.instructedOn,
        what: `instructed ${fenToYuan(instruction.amountFen)} (attempt ${instruction.attempt})`,
      });
    const lapsed = batch.lapsed[line.hash];
    if (lapsed) steps.push({ on: lapsed, what: "lapsed: no confirmation by the deadline" });
  }
  for (const o of line.objections) {
    steps.push({ on: o.filedOn, what: `objection ${o.objectionId} filed` });
    if (o.resolvedOn) steps.push({ on: o.resolvedOn, what: `objection ${o.objectionId} ${o.state}` });
  }
  for (const r of line.reductions)
    steps.push({ on: null, what: `reduced ${fenToYuan(r.fen)} by ${r.byPayoutId}` });
  for (const n of line.netted)
    steps.push({ on: line.openedOn, what: `netted ${fenToYuan(n.fen)} against a debt` });
  if (line.withdrawnOn) steps.push({ on: line.withdrawnOn, what: "withdrawn" });
  if (line.requeuedAs) steps.push({ on: null, what: `requeued as ${line.requeuedAs}` });
  if (line.declinedOn) steps.push({ on: line.declinedOn, what: "declined by the payee" });
  for (const r of line.results) {
    if (r.paid)
      steps.push({ on: r.paid.paidOn, what: `paid ${fenToYuan(r.paid.amountFen)} (${r.paid.reference})` });
    if (r.failed) steps.push({ on: r.failed.failedOn, what: `payment failed: ${r.failed.reason}` });
  }
  return steps.sort((a, b) => (a.on ?? "9999").localeCompare(b.on ?? "9999"));
}

/** Where a trace is read from: a beneficiary's history by pages (one consistent Query each), items by key. */
export interface TraceSource {
  historyPage(
    beneficiary: { kind: string; id: string },
    page: { limit: number; after?: ItemKey },
  ): Promise<{ items: Item[]; next: ItemKey | null }>;
  readItems(keys: readonly ItemKey[]): Promise<Map<string, Item>>;
}

/**
 * One page of a beneficiary's trace: its history items in order, then (consistent reads by key) the lines
 * they name, their series and their batches — what batch-wide facts latched for those lines.
 */
export async function readTrace(
  source: TraceSource,
  beneficiary: { kind: BeneficiaryKind; id: string },
  page: { limit: number; after?: ItemKey },
): Promise<{ view: TraceView; next: ItemKey | null }> {
  const { items, next } = await source.historyPage(beneficiary, page);
  const lineIds = items.flatMap((i) => (i.entity === "history" ? (i.lines ?? []).map((l) => l.lineId) : []));
  const refs = [...new Set(lineIds)].flatMap((id) => {
    const ref = parseLineId(id);
    return ref ? [ref] : [];
  });
  const first = await source.readItems(
    distinct([
      ...refs.map((ref) => keys.line(ref)),
      ...refs.map((ref) => keys.series(ref.period, ref.program)),
    ]),
  );
  const batchKeys = refs.flatMap((ref) => {
    const series = first.get(keyId(keys.series(ref.period, ref.program))) as SeriesItem | undefined;
    const key = batchKeyOf(ref, series ?? null);
    return key ? [key] : [];
  });
  const batches = await source.readItems(distinct(batchKeys));
  return { view: traceOf(beneficiary, [...items, ...first.values(), ...batches.values()]), next };
}

/** Each key once: BatchGetItem refuses a request that names a key twice. */
function distinct(list: readonly ItemKey[]): ItemKey[] {
  return [...new Map(list.map((key) => [keyId(key), key])).values()];
}

/**
 * A fact's data as its publisher wrote it: the contract parses every amount into fen (a bigint), and the
 * wire form of an amount is a decimal yuan string (events.md § Value rules, Money), so the trace shows that.
 */
function asSent(value: unknown): unknown {
  if (typeof value === "bigint") return fenToYuan(value);
  if (Array.isArray(value)) return value.map(asSent);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asSent(v)]));
  return value;
}
