import { type AnyMessage, type DataOf, rejectionOf } from "../contract";
import { fenToYuan } from "../money";
import type { CityPolicy } from "../policy/city";
import { type Requirement, TYPE_RULES } from "./catalogue";
import { commitBudgets, payoutsOf } from "./differences";
import type {
  Decision,
  FactItem,
  Item,
  MessageRef,
  NoPayoutReason,
  ReceiptItem,
  Snapshot,
  Writes,
} from "./items";
import { keys } from "./items";
import { collectUnitChanges, dateChange, recompute, type StandingChange } from "./units";

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

  // 1. The message itself: delivered before? Then nothing to do.
  const receipt = snapshot.get(receiptKey) as ReceiptItem | null;
  if (receipt?.bodyHash === message.bodyHash) return { decision: { outcome: "duplicate", message: ref } };
  // 2. What it depends on: absent → it waits for redelivery (queues do not keep order). A waiting fact
  //    takes part in no deduplication until it applies (events.md), so this comes before the id check:
  //    whichever message claims its (source, id) meanwhile, the outcome does not depend on the order.
  for (const requirement of requirements) {
    if (!snapshot.get(factKey(requirement))) {
      const detail = `waits for ${requirement.type} ${requirement.naturalKey}`;
      return { decision: { outcome: "waiting", message: ref, waitingFor: factKey(requirement), detail } };
    }
  }
  if (receipt) {
    return reject(
      ref,
      "conflicting-duplicate",
      `id: (${message.source}, ${message.id}) was already accepted with a different body`,
    );
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
  return { decision: { outcome: "rejected", message: ref, rejection: rejectionOf(ref, reason, detail) } };
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
