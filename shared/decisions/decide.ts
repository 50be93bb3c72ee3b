import {
  type AnyMessage,
  type DataOf,
  type FactType,
  isLifecycleType,
  type LifecycleType,
} from "../contract";
import type { CityPolicy } from "../policy/city";
import { districtOf } from "../policy/districts";
import { rulesOf, type Standing } from "./catalogue";
import { commitBudgets, payoutsOf } from "./differences";
import { historyOf } from "./history";
import type { Decision, MessageRef, NoPayoutReason, Snapshot, Writes } from "./items";
import { keyId, keys } from "./keys";
import { decideLifecycle } from "./lifecycle/decide";
import { applyPayouts, lineKeysFor, payoutLineNeeds } from "./lifecycle/lines";
import { outboxOf } from "./lifecycle/outcome";
import { settle } from "./lifecycle/settle";
import { WorkingSet } from "./lifecycle/working-set";
import type { PayoutMessage } from "./payouts";
import { loaded, missing, type Need, present } from "./snapshot";
import { collectUnitChanges, type Dating, dateChange, recompute, type StandingChange } from "./units";
import { accepted, checksOf, factItem, factKey, type Judged, receiptItem, reject, waiting } from "./writes";

export interface DecideContext {
  city: CityPolicy;
  /** The clock, passed in: the core reads none. */
  now: string;
  /**
   * False for a replay nobody traces (`simulate`, `compare`, the bench): no per-beneficiary history items,
   * which only the trace reads (workbench.md § Trace); every other write is the same. Default true.
   */
  history?: boolean;
}

/** Either what is still to load, or the decision. A ledger loops: load what is needed, decide again. */
export type Step = { needs: Need[] } | { decision: Decision };

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
      return waiting(ref, factKey(requirement), `waits for ${requirement.type} ${requirement.naturalKey}`);
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
    const judged = { naturalKey, standing };
    if (order < 0) return accepted(message, context, "superseded", judged, snapshot);
    if (order === 0 && standing.dataHash === message.dataHash)
      return accepted(message, context, "replay", judged, snapshot);
    if (order === 0) {
      const detail = `data: ${message.type} ${naturalKey} already stands (${standing.source}, ${standing.id}) with different data`;
      return reject(ref, "conflicting-duplicate", detail);
    }
  }
  // 4. Rules that compare it with another fact, judged now that it applies ("Validation timing").
  const invalid = rules.judge?.(message.data, standingData(snapshot));
  if (invalid) return reject(ref, "invalid-data", invalid);

  // 5. A lifecycle fact acts on lines, batches and beneficiaries (shared/decisions/lifecycle); an
  //    entitlement fact recomputes every unit it touches and pays the differences.
  const judged: Judged = { ref, own, naturalKey, standing, read };
  if (isLifecycleType(message.type)) {
    return decideLifecycle(message as AnyMessage & { type: LifecycleType }, snapshot, context, judged);
  }
  return applyChange(message, snapshot, context, judged);
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
  // Budgets, and what the changes' lines will read first, in one round.
  const budgetsMissing = missing(snapshot, [
    ...payouts.flatMap((p) => (p.budget === undefined ? [] : [p.budgetKey])),
    ...lineKeysFor(
      payouts.map((p) => ({ beneficiary: p.unit.beneficiary, program: p.program.id, period: p.period })),
    ),
  ]);
  if (budgetsMissing.length) return { needs: budgetsMissing };
  const { messages, budgets } = commitBudgets(payouts, snapshot, judged.ref, context);
  // Each change of what is owed moves money on its way: lines open, reduce, or debts arise.
  const linesMissing = payoutLineNeeds(snapshot, messages, context.city);
  if (linesMissing.length) return { needs: linesMissing };

  // 6. The whole effect, as one transaction's worth of writes.
  const ws = new WorkingSet(snapshot);
  ws.write(factItem(message, judged));
  for (const unit of units) if (unit.changed) ws.write(unit.next);
  for (const budget of budgets) ws.write(budget.item);
  const touched = applyPayouts(ws, messages, context.city, districtsOf(message, messages));
  const settled = settle(ws, touched, context.city);
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
  const puts = ws.puts();
  const writes: Writes = {
    receipt,
    puts,
    checks: checksOf(judged.read, snapshot, ws.checks()),
    payouts: messages,
    outbox: outboxOf([...settled.notices, ...settled.instructions], keyId(receipt.key)),
    history: historyOf(context, {
      message,
      naturalKey: judged.naturalKey,
      snapshot,
      puts,
      city: context.city,
      units,
      payouts: messages,
      ...(reason ? { reason } : {}),
      related: changes.filter((c) => c.sign < 0n),
    }),
  };
  return { decision: { outcome: "applied", message: judged.ref, ...(reason ? { reason } : {}), writes } };
}

/** Each payout's district, by the one rule (shared/policy/districts.ts). */
function districtsOf(message: AnyMessage, payouts: readonly PayoutMessage[]): Map<string, string | null> {
  return new Map(payouts.map((p) => [p.payoutId, districtOf(message.data, p.beneficiary)]));
}

/** The standing data of the facts the step loaded, for the type's `judge`. */
function standingData(snapshot: Snapshot): Standing {
  return <T extends FactType>(type: T, naturalKey: string) =>
    loaded(snapshot, keys.fact(type, naturalKey), "fact")?.data as DataOf<T> | undefined;
}
