import type { AnyMessage, DataOf, FactType } from "../contract";
import type { CityPolicy } from "../policy/city";
import { type Requirement, rulesOf, type Standing, TYPE_RULES } from "./catalogue";
import { commitBudgets, payoutsOf } from "./differences";
import type { Decision, FactItem, MessageRef, NoPayoutReason, ReceiptItem, Snapshot, Writes } from "./items";
import { type ItemKey, keys } from "./keys";
import { loaded, missing, type Need, present } from "./snapshot";
import { collectUnitChanges, type Dating, dateChange, recompute, type StandingChange } from "./units";

export interface DecideContext {
  city: CityPolicy;
  /** The clock, passed in: the core reads none. */
  now: string;
}

/** Either what is still to load, or the decision. A ledger loops: load what is needed, decide again. */
export type Step = { needs: Need[] } | { decision: Decision };

const factKey = (requirement: Requirement) => keys.fact(requirement.type, requirement.naturalKey);

/**
 * Decides one fact against the standing state it touches: recompute every unit it feeds from that
 * unit's totals, and pay the difference from what was paid (design: "entitlements are recomputed,
 * payouts are differences"). Pure: the same message and snapshot always give the same decision.
 */
export function decide(message: AnyMessage, snapshot: Snapshot, context: DecideContext): Step {
  const ref: MessageRef = { source: message.source, id: message.id, type: message.type };
  const rules = rulesOf(message);
  const naturalKey = rules.naturalKey(message.data);
  const own = keys.fact(message.type, naturalKey);
  const requirements = rules.requires?.(message.data) ?? [];
  const read = [...requirements, ...(rules.judgedAgainst?.(message.data) ?? [])];
  const receiptKey = keys.receipt(message.source, message.id);
  const first = missing(snapshot, [receiptKey, own, ...read.map(factKey)]);
  if (first.length) return { needs: first };

  // 1. The message itself: delivered before? Then nothing to do.
  const receipt = loaded(snapshot, receiptKey, "receipt");
  if (receipt?.bodyHash === message.bodyHash) return { decision: { outcome: "duplicate", message: ref } };
  // 2. What it depends on: absent → it waits for redelivery (queues do not keep order). A waiting fact
  //    takes part in no deduplication until it applies (events.md), so this comes before the id check:
  //    whichever message claims its (source, id) meanwhile, the outcome does not depend on the order.
  for (const requirement of requirements) {
    if (!loaded(snapshot, factKey(requirement), "fact")) {
      const detail = `waits for ${requirement.type} ${requirement.naturalKey}`;
      return { decision: { outcome: "waiting", message: ref, waitingFor: factKey(requirement), detail } };
    }
  }
  if (receipt) {
    const detail = `id: (${message.source}, ${message.id}) was already accepted with a different body`;
    return reject(ref, "conflicting-duplicate", detail);
  }
  // 3. Its natural key: new, a replay, superseded, a conflict, or a replacement of the standing fact.
  const standing = loaded(snapshot, own, "fact");
  if (standing) {
    const order = rules.replacing ? message.time.localeCompare(standing.time) : 0;
    if (order < 0) return { decision: accepted(ref, message, context, "superseded") };
    if (order === 0 && standing.dataHash === message.dataHash)
      return { decision: accepted(ref, message, context, "replay") };
    if (order === 0) {
      const detail = `data: ${message.type} ${naturalKey} already stands (${standing.source}, ${standing.id}) with different data`;
      return reject(ref, "conflicting-duplicate", detail);
    }
  }
  // 4. Rules that compare it with another fact, judged now that it applies ("Validation timing").
  const invalid = rules.judge?.(message.data, standingData(snapshot));
  if (invalid) return reject(ref, "invalid-data", invalid);

  // 5. Recompute every unit the change touches; pay the differences; commit against budgets.
  return applyChange(message, snapshot, context, { ref, own, naturalKey, standing, read });
}

interface Judged {
  ref: MessageRef;
  own: ItemKey;
  naturalKey: string;
  standing: FactItem | null;
  read: Requirement[];
}

function applyChange(message: AnyMessage, snapshot: Snapshot, context: DecideContext, judged: Judged): Step {
  const rules = rulesOf(message);
  const removes = rules.removes?.(message.data);
  const removed = removes ? present(snapshot, factKey(removes), "fact") : null;
  const changes: StandingChange[] = removed
    ? [{ type: removed.type, data: removed.data, sign: -1n }]
    : [
        { type: message.type, data: message.data, sign: 1n },
        ...(judged.standing ? [{ type: judged.standing.type, data: judged.standing.data, sign: -1n }] : []),
      ];
  const datedBy = rules.datedBy?.(message.data);
  const dating: Dating | undefined = datedBy && {
    type: datedBy.type,
    data: present(snapshot, factKey(datedBy), "fact").data,
  };
  const dated = changes.map((change) => dateChange(change, dating, context.city));
  const unitChanges = collectUnitChanges(dated, context.city);
  const unitsMissing = missing(
    snapshot,
    [...unitChanges.values()].map((u) => u.key),
  );
  if (unitsMissing.length) return { needs: unitsMissing };
  const units = recompute(unitChanges, snapshot);
  const payouts = payoutsOf(units);
  const budgetsMissing = missing(
    snapshot,
    payouts.flatMap((p) => (p.budgetFen === undefined ? [] : [p.budgetKey])),
  );
  if (budgetsMissing.length) return { needs: budgetsMissing };
  const { messages, budgets } = commitBudgets(payouts, snapshot, judged.ref, context);

  // 6. The whole effect, as one transaction's worth of writes.
  const reason: NoPayoutReason | undefined = messages.length
    ? undefined
    : dated[0]?.version
      ? "not-covered"
      : "no-policy";
  const receipt = receiptItem(
    message,
    context,
    messages.map((m) => m.payoutId),
  );
  if (reason) receipt.reason = reason;
  const before = judged.standing?.version ?? null;
  const writes: Writes = {
    receipt,
    puts: [
      { item: factItem(message, judged.own, judged.naturalKey, (before ?? 0) + 1), expectedVersion: before },
      ...units
        .filter((u) => u.changed)
        .map((u) => ({ item: u.next, expectedVersion: u.before?.version ?? null })),
      ...budgets,
    ],
    checks: checksOf(judged.read, snapshot),
    payouts: messages,
    outbox: [],
  };

  return { decision: { outcome: "applied", message: judged.ref, ...(reason ? { reason } : {}), writes } };
}

/** The standing data of the facts the step loaded, for the type's `judge`. */
function standingData(snapshot: Snapshot): Standing {
  return <T extends FactType>(type: T, naturalKey: string) =>
    loaded(snapshot, keys.fact(type, naturalKey), "fact")?.data as DataOf<T> | undefined;
}

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
    writes: { receipt, puts: [], checks: [], payouts: [], outbox: [] },
  };
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

function factItem(message: AnyMessage, key: ItemKey, naturalKey: string, version: number): FactItem {
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
    .map((r) => ({
      key: factKey(r),
      expectedVersion: loaded(snapshot, factKey(r), "fact")?.version ?? null,
    }));
}
