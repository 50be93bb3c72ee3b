import type { AnyMessage, DataOf, FactType } from "../contract";
import { type Fen, fenToYuan } from "../money";
import type { CityPolicy, PolicyVersion } from "../policy/city";
import { type Contribution, kindOf, type Program } from "../policy/kinds";
import { derivedFields, type Requirement, TYPE_RULES } from "./catalogue";
import { periodOf, policyDateOf } from "./dates";
import type {
  BudgetItem,
  Decision,
  FactItem,
  Item,
  MessageRef,
  NoPayoutReason,
  ReceiptItem,
  Snapshot,
  UnitItem,
  VersionedPut,
  Writes,
} from "./items";
import { keys } from "./items";
import { type PayoutMessage, payoutIdOf, payoutMessage } from "./payouts";

export interface DecideContext {
  city: CityPolicy;
  /** The clock, passed in: the core reads none. */
  now: string;
}

/** Either the keys still to load, or the decision. A ledger loops: load what is needed, decide again. */
export type Step = { needs: string[] } | { decision: Decision };

/**
 * Decides one fact against the standing state it touches: recompute every unit it feeds from that
 * unit's totals, and pay the difference from what was paid (design: "entitlements are recomputed,
 * payouts are differences"). Pure: the same message and snapshot always give the same decision.
 */
export function decide(message: AnyMessage, snapshot: Snapshot, context: DecideContext): Step {
  const ref: MessageRef = { source: message.source, id: message.id, type: message.type };
  const rules = TYPE_RULES[message.type] as RulesOf;
  const naturalKey = rules.naturalKey(message.data);
  const ownKey = keys.fact(message.type, naturalKey);
  const requirements = rules.requires?.(message.data) ?? [];
  const judgedAgainst = readsToJudge(message);
  const receiptKey = keys.receipt(message.source, message.id);
  const first = [receiptKey, ownKey, ...[...requirements, ...judgedAgainst].map(factKey)];
  const missing = first.filter((key) => !snapshot.has(key));
  if (missing.length) return { needs: missing };

  // 1. The message itself: delivered before? Then nothing to do, or a conflicting duplicate.
  const receipt = snapshot.get(receiptKey) as ReceiptItem | null;
  if (receipt) {
    if (receipt.bodyHash === message.bodyHash) return { decision: { outcome: "duplicate", message: ref } };
    return reject(
      ref,
      "conflicting-duplicate",
      `id: (${message.source}, ${message.id}) was already accepted with a different body`,
    );
  }
  // 2. What it depends on: absent → it waits for redelivery (queues do not keep order).
  for (const requirement of requirements) {
    if (!snapshot.get(factKey(requirement))) {
      const detail = `waits for ${requirement.type} ${requirement.naturalKey}`;
      return { decision: { outcome: "waiting", message: ref, waitingFor: factKey(requirement), detail } };
    }
  }
  // 3. Its natural key: new, a replay, superseded, a conflict, or a replacement of the standing fact.
  const own = snapshot.get(ownKey) as FactItem | null;
  if (own) {
    const order = rules.replacing ? message.time.localeCompare(own.time) : 0;
    if (order < 0) return { decision: accepted(ref, message, context, "superseded") };
    if (order === 0 && own.dataHash === message.dataHash)
      return { decision: accepted(ref, message, context, "replay") };
    if (order === 0) {
      const detail = `data: ${message.type} ${naturalKey} already stands (${own.source}, ${own.id}) with different data`;
      return reject(ref, "conflicting-duplicate", detail);
    }
  }
  // 4. Rules that compare it with another fact, judged now that it applies.
  const invalid = judgeAgainstStanding(message, snapshot);
  if (invalid) return reject(ref, "invalid-data", invalid);

  // 5. Recompute every unit the change touches; pay the differences; commit against budgets.
  const removed = rules.removes ? (snapshot.get(factKey(rules.removes(message.data))) as FactItem) : null;
  const changes: StandingChange[] = removed
    ? [{ type: removed.type, data: removed.data, sign: -1n }]
    : [
        { type: message.type, data: message.data, sign: 1n },
        ...(own ? [{ type: own.type, data: own.data, sign: -1n }] : []),
      ];
  const filing = filingOf(message, snapshot);
  const dated = changes.map((change) => dateChange(change, filing, context.city));
  const unitChanges = collectUnitChanges(dated, context.city);
  const unitMissing = [...unitChanges.keys()].filter((key) => !snapshot.has(key));
  if (unitMissing.length) return { needs: unitMissing };
  const units = recompute(unitChanges, snapshot);
  const payouts = payoutsOf(units);
  const budgetKeys = new Set(payouts.flatMap((p) => (p.budgetYuan === undefined ? [] : [p.budgetKey])));
  const budgetMissing = [...budgetKeys].filter((key) => !snapshot.has(key));
  if (budgetMissing.length) return { needs: budgetMissing };
  const { messages, budgets } = commitBudgets(payouts, snapshot, ref, context);

  // 6. The whole effect, as one transaction's worth of writes.
  const reason: NoPayoutReason | undefined = messages.length
    ? undefined
    : dated[0]?.version
      ? "not-covered"
      : "no-policy";
  const receiptWrite = receiptItem(
    message,
    context,
    messages.map((m) => m.payoutId),
  );
  if (reason) receiptWrite.reason = reason;
  const writes: Writes = {
    receipt: receiptWrite,
    facts: [
      {
        item: factItem(message, ownKey, naturalKey, (own?.version ?? 0) + 1),
        expectedVersion: own?.version ?? null,
      },
    ],
    units: units
      .filter((u) => u.changed)
      .map((u) => ({ item: u.next, expectedVersion: u.before?.version ?? null })),
    budgets,
    checks: checksOf([...requirements, ...judgedAgainst], snapshot),
    payouts: messages,
  };
  return { decision: { outcome: "applied", message: ref, ...(reason ? { reason } : {}), writes } };
}

/** Facts read only to judge this one (not required for it to apply): a default is judged against the standing recovery. */
function readsToJudge(message: AnyMessage): Requirement[] {
  return message.type === "loan.defaulted"
    ? [{ type: "loan.recovered", naturalKey: message.data.loanId }]
    : [];
}

type RulesOf = {
  naturalKey(data: unknown): string;
  replacing: boolean;
  requires?(data: unknown): Requirement[];
  removes?(data: unknown): Requirement;
};

const factKey = (requirement: Requirement) => keys.fact(requirement.type, requirement.naturalKey);

function reject(ref: MessageRef, reason: "conflicting-duplicate" | "invalid-data", detail: string): Step {
  return { decision: { outcome: "rejected", message: ref, rejection: { ...ref, reason, detail } } };
}

/** Accepted without changing any total: the receipt alone, so a redelivery is known without a write. */
function accepted(
  ref: MessageRef,
  message: AnyMessage,
  context: DecideContext,
  reason: NoPayoutReason,
): Decision {
  const receipt = receiptItem(message, context, []);
  receipt.reason = reason;
  return {
    outcome: "applied",
    message: ref,
    reason,
    writes: { receipt, facts: [], units: [], budgets: [], checks: [], payouts: [] },
  };
}

/** Rules that compare a fact with another are judged when it applies (contract: "Validation timing"). */
function judgeAgainstStanding(message: AnyMessage, snapshot: Snapshot): string | undefined {
  if (message.type === "loan.defaulted") {
    const filing = snapshot.get(keys.fact("loan.filed", message.data.loanId)) as FactItem;
    const principal = (filing.data as DataOf<"loan.filed">).principal;
    const npp = message.data.nonPerformingPrincipal;
    if (npp > principal) {
      return `data.nonPerformingPrincipal: ${fenToYuan(npp)} is more than the filed principal ${fenToYuan(principal)}`;
    }
    const recovery = snapshot.get(keys.fact("loan.recovered", message.data.loanId)) as FactItem | null;
    const recovered = recovery ? (recovery.data as DataOf<"loan.recovered">).recovered : 0n;
    if (npp < recovered) {
      return `data.nonPerformingPrincipal: ${fenToYuan(npp)} is less than the standing recovered principal ${fenToYuan(recovered)}`;
    }
  }
  if (message.type === "loan.recovered") {
    const standing = snapshot.get(keys.fact("loan.defaulted", message.data.loanId)) as FactItem;
    const npp = (standing.data as DataOf<"loan.defaulted">).nonPerformingPrincipal;
    if (message.data.recovered > npp) {
      return `data.recovered: ${fenToYuan(message.data.recovered)} is more than the standing non-performing principal ${fenToYuan(npp)}`;
    }
  }
  return undefined;
}

function filingOf(message: AnyMessage, snapshot: Snapshot): unknown {
  if (message.type !== "loan.defaulted" && message.type !== "loan.recovered") return undefined;
  return (snapshot.get(keys.fact("loan.filed", message.data.loanId)) as FactItem).data;
}

interface StandingChange {
  type: FactType;
  data: unknown;
  /** +1 when the fact starts to stand, −1 when it stops (revoked, cancelled, replaced). */
  sign: bigint;
}
interface DatedChange extends StandingChange {
  version: PolicyVersion | undefined;
  period: number;
  filing: unknown;
}

function dateChange(change: StandingChange, filing: unknown, city: CityPolicy): DatedChange {
  const date = filing ? policyDateOf("loan.filed", filing) : policyDateOf(change.type, change.data);
  if (date === undefined) throw new Error(`no policy date for ${change.type}`);
  return { ...change, version: city.versionFor(date), period: periodOf(date), filing };
}

interface UnitChange {
  program: Program;
  version: PolicyVersion;
  contribution: Contribution;
  deltas: Map<string, bigint>;
}

/** Every unit the changes touch, with the signed sum of what they add to its counters. */
function collectUnitChanges(changes: readonly DatedChange[], city: CityPolicy): Map<string, UnitChange> {
  const units = new Map<string, UnitChange>();
  for (const change of changes) {
    if (!change.version) continue;
    const view = {
      type: change.type,
      data: { ...(change.data as object), ...derivedFields(change.type, change.data) },
      period: change.period,
      filing: change.filing,
    };
    for (const program of city.programsReading(change.version, change.type)) {
      for (const contribution of kindOf(program).contributions(program, view, city)) {
        const key = keys.unit(change.version.id, program.id, contribution.unitKey);
        const unit = units.get(key) ?? { program, version: change.version, contribution, deltas: new Map() };
        for (const [name, value] of Object.entries(contribution.counters)) {
          unit.deltas.set(name, (unit.deltas.get(name) ?? 0n) + change.sign * value);
        }
        units.set(key, unit);
      }
    }
  }
  return units;
}

interface Recomputed {
  program: Program;
  before: UnitItem | null;
  next: UnitItem;
  changed: boolean;
  formula: string;
  /** Per period: the new entitlement and what was paid before. */
  periods: { period: number; entitledFen: Fen; paidFen: Fen }[];
}

function recompute(changes: Map<string, UnitChange>, snapshot: Snapshot): Recomputed[] {
  return [...changes].map(([key, change]) => {
    const before = snapshot.get(key) as UnitItem | null;
    const counters = { ...(before?.counters ?? {}) };
    let changed = false;
    for (const [name, delta] of change.deltas) {
      if (delta === 0n) continue;
      changed = true;
      const value = (counters[name] ?? 0n) + delta;
      if (value === 0n) delete counters[name];
      else counters[name] = value;
    }
    const { contribution, program } = change;
    const unit = {
      beneficiary: before?.beneficiary ?? contribution.beneficiary,
      period: contribution.period,
      counters,
      ...(contribution.capFen !== undefined ? { capFen: contribution.capFen } : {}),
    };
    const entitlement = kindOf(program).entitlement(program, unit);
    const paid = before?.paidFen ?? {};
    const periodSet = new Set([...entitlement.byPeriod.keys(), ...Object.keys(paid).map(Number)]);
    const periods = [...periodSet]
      .sort((a, b) => a - b)
      .map((period) => ({
        period,
        entitledFen: entitlement.byPeriod.get(period) ?? 0n,
        paidFen: paid[period] ?? 0n,
      }));
    const paidFen: Record<string, Fen> = {};
    for (const p of periods) if (p.entitledFen !== 0n) paidFen[p.period] = p.entitledFen;
    const next: UnitItem = {
      entity: "unit",
      key,
      programId: program.id,
      policyVersion: change.version.id,
      unitKey: contribution.unitKey,
      ...unit,
      ...(contribution.label ? { label: contribution.label } : {}),
      paidFen,
      version: (before?.version ?? 0) + 1,
    };
    return { program, before, next, changed, formula: entitlement.formula, periods };
  });
}

interface PendingPayout {
  program: Program;
  unit: UnitItem;
  period: number;
  deltaFen: Fen;
  explanation: string;
  budgetYuan: Fen | undefined;
  budgetKey: string;
}

/**
 * The differences to pay, one per (program, beneficiary, period) — the payout's identity — even when one
 * fact moves several units of it (a replacement that changes which unit a fact feeds): their deltas add up.
 */
function payoutsOf(units: readonly Recomputed[]): PendingPayout[] {
  const byIdentity = new Map<string, PendingPayout>();
  for (const unit of units) {
    for (const { period, entitledFen, paidFen } of unit.periods) {
      if (entitledFen === paidFen) continue;
      const deltaFen = entitledFen - paidFen;
      const label = unit.next.label ? `[${unit.next.label}] ` : "";
      const explanation =
        `${label}${unit.formula}; entitlement ${fenToYuan(entitledFen)}, paid before ${fenToYuan(paidFen)}` +
        ` → ${deltaFen > 0n ? "+" : ""}${fenToYuan(deltaFen)}`;
      const b = unit.next.beneficiary;
      const identity = `${unit.program.id}|${unit.next.policyVersion}|${b.kind}:${b.id}|${period}`;
      const same = byIdentity.get(identity);
      if (same) {
        same.deltaFen += deltaFen;
        same.explanation += `; ${explanation}`;
        continue;
      }
      byIdentity.set(identity, {
        program: unit.program,
        unit: unit.next,
        period,
        deltaFen,
        explanation,
        budgetYuan: unit.program.budgetsYuan?.[String(period)],
        budgetKey: keys.budget(unit.next.policyVersion, unit.program.id, period),
      });
    }
  }
  return [...byIdentity.values()].filter((p) => p.deltaFen !== 0n);
}

/**
 * A budgeted program commits each payout against its period's budget in the same transaction; past
 * it the payout is held `awaiting-budget` (whole, never split). Clawbacks free budget: they are money
 * recovered or withheld from the next payment, so what is committed never exceeds what is allocated.
 */
function commitBudgets(
  pending: readonly PendingPayout[],
  snapshot: Snapshot,
  ref: MessageRef,
  context: DecideContext,
): { messages: PayoutMessage[]; budgets: VersionedPut<BudgetItem>[] } {
  const budgets = new Map<string, VersionedPut<BudgetItem>>();
  const messages = pending.map((p) => {
    let status: PayoutMessage["status"] = "payable";
    if (p.budgetYuan !== undefined) {
      const put = budgets.get(p.budgetKey) ?? openBudget(snapshot.get(p.budgetKey) as BudgetItem | null, p);
      budgets.set(p.budgetKey, put);
      const budget = put.item;
      if (p.deltaFen > 0n && budget.committedFen + p.deltaFen > budget.allocatedFen) {
        status = "awaiting-budget";
        budget.heldFen += p.deltaFen;
      } else {
        budget.committedFen += p.deltaFen;
      }
    }
    return payoutMessage({
      payoutId: payoutIdOf(context.city.city, ref, p.program.id, p.unit.beneficiary, p.period),
      city: context.city.city,
      program: p.program.id,
      clause: p.program.clause,
      policyVersion: p.unit.policyVersion,
      beneficiary: p.unit.beneficiary,
      period: p.period,
      amountFen: p.deltaFen,
      status,
      cause: ref,
      explanation: p.explanation,
      computedAt: context.now,
    });
  });
  return { messages, budgets: [...budgets.values()] };
}

/** The budget as read, or opened from the city file's allocation the first time a period draws on it. */
function openBudget(before: BudgetItem | null, p: PendingPayout): VersionedPut<BudgetItem> {
  const item: BudgetItem = before
    ? { ...before, version: before.version + 1 }
    : {
        entity: "budget",
        key: p.budgetKey,
        policyVersion: p.unit.policyVersion,
        programId: p.program.id,
        period: p.period,
        allocatedFen: p.budgetYuan ?? 0n,
        committedFen: 0n,
        heldFen: 0n,
        version: 1,
      };
  return { item, expectedVersion: before?.version ?? null };
}

function receiptItem(message: AnyMessage, context: DecideContext, payoutIds: string[]): ReceiptItem {
  return {
    entity: "receipt",
    key: keys.receipt(message.source, message.id),
    source: message.source,
    id: message.id,
    type: message.type,
    bodyHash: message.bodyHash,
    outcome: "applied",
    payoutIds,
    decidedAt: context.now,
  };
}

function factItem(message: AnyMessage, key: string, naturalKey: string, version: number): FactItem {
  return {
    entity: "fact",
    key,
    type: message.type,
    naturalKey,
    source: message.source,
    id: message.id,
    time: message.time,
    dataHash: message.dataHash,
    data: message.data,
    version,
  };
}

/** Read facts that a replacement could change under us must still be as read when this commits. */
function checksOf(read: readonly Requirement[], snapshot: Snapshot): Writes["checks"] {
  return read
    .filter((r) => TYPE_RULES[r.type].replacing)
    .map((r) => {
      const item = snapshot.get(factKey(r)) as Item | null;
      return { key: factKey(r), expectedVersion: item && "version" in item ? item.version : null };
    });
}
