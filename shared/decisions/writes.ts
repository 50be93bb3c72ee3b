import { type AnyMessage, rejectionOf } from "../contract";
import { type Requirement, TYPE_RULES } from "./catalogue";
import type { DecideContext, Step } from "./decide";
import { historyOf } from "./history";
import type { FactItem, MessageRef, NoPayoutReason, ReceiptItem, Snapshot, Writes } from "./items";
import { type ItemKey, keyId, keys } from "./keys";
import { loaded } from "./snapshot";

/** The pieces every decision's writes are made of: the receipt, the standing fact, checks, rejections. */

export interface Judged {
  ref: MessageRef;
  own: ItemKey;
  naturalKey: string;
  standing: FactItem | null;
  read: Requirement[];
}

export const factKey = (requirement: Requirement) => keys.fact(requirement.type, requirement.naturalKey);

export function reject(
  ref: MessageRef,
  reason: "conflicting-duplicate" | "invalid-data",
  detail: string,
): Step {
  return { decision: { outcome: "rejected", message: ref, rejection: rejectionOf(ref, reason, detail) } };
}

export function waiting(ref: MessageRef, waitingFor: ItemKey, detail: string): Step {
  return { decision: { outcome: "waiting", message: ref, waitingFor, detail } };
}

/**
 * Accepted without changing any total: the receipt, so a redelivery is known without a write, and for each
 * party the fact names the history item saying why it paid nothing (a replay, superseded).
 */
export function accepted(
  message: AnyMessage,
  context: DecideContext,
  reason: NoPayoutReason,
  judged: Pick<Judged, "naturalKey" | "standing">,
  snapshot: Snapshot,
): Step {
  const receipt = receiptItem(message, context, []);
  receipt.reason = reason;
  const related = judged.standing ? [judged.standing] : [];
  const history = historyOf(context, {
    message,
    naturalKey: judged.naturalKey,
    snapshot,
    puts: [],
    city: context.city,
    reason,
    related,
  });
  const writes: Writes = { receipt, puts: [], checks: [], payouts: [], outbox: [], history };
  return { decision: { outcome: "applied", message: refOf(message), reason, writes } };
}

export function refOf(message: AnyMessage): MessageRef {
  return { source: message.source, id: message.id, type: message.type };
}

export function receiptItem(message: AnyMessage, context: DecideContext, payoutIds: string[]): ReceiptItem {
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

/** The fact as it will stand (its version is set when the writes are made). */
export function factItem(message: AnyMessage, judged: Judged): FactItem {
  return {
    entity: "fact",
    key: judged.own,
    type: message.type,
    naturalKey: judged.naturalKey,
    source: message.source,
    id: message.id,
    time: message.time,
    dataHash: message.dataHash,
    data: message.data,
    version: 0,
  };
}

/**
 * Read facts that a replacement could change under us must still be as read when this commits, and so
 * must what the working set kept (the clock a new line is dated by); one check per item.
 */
export function checksOf(
  read: readonly Requirement[],
  snapshot: Snapshot,
  kept: Writes["checks"] = [],
): Writes["checks"] {
  const facts = read
    .filter((r) => TYPE_RULES[r.type].replacing)
    .map((r) => ({
      key: factKey(r),
      expectedVersion: loaded(snapshot, factKey(r), "fact")?.version ?? null,
    }));
  const byKey = new Map([...facts, ...kept].map((check) => [keyId(check.key), check]));
  return [...byKey.values()];
}
