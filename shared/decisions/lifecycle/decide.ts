import type { AnyMessage, LifecycleType } from "../../contract";
import type { DecideContext, Step } from "../decide";
import { historyOf } from "../history";
import type { Snapshot, Writes } from "../items";
import { keyId } from "../keys";
import { checksOf, factItem, type Judged, receiptItem, reject, waiting } from "../writes";
import { batchApproved, batchClosed } from "./batches";
import { creditCleared, creditRestricted, payeeConfirmed, payeeRevoked } from "./beneficiaries";
import { budgetAllocated } from "./budget";
import { clockDay } from "./clock";
import { holdReleased, objectionFiled, objectionResolved } from "./objections";
import { type LifecycleHandler, outboxOf } from "./outcome";
import { disbursementFailed, disbursementPaid, payeeDeclined, recoveryReceived } from "./treasury";

/** One handler per lifecycle fact type (payments.md § Publishers and new fact types). */
const HANDLERS: { [T in LifecycleType]: LifecycleHandler<T> } = {
  "clock.day": clockDay,
  "batch.closed": batchClosed,
  "batch.approved": batchApproved,
  "budget.allocated": budgetAllocated,
  "hold.released": holdReleased,
  "objection.filed": objectionFiled,
  "objection.resolved": objectionResolved,
  "credit.restricted": creditRestricted,
  "credit.cleared": creditCleared,
  "payee.confirmed": payeeConfirmed,
  "payee.revoked": payeeRevoked,
  "payee.declined": payeeDeclined,
  "disbursement.paid": disbursementPaid,
  "disbursement.failed": disbursementFailed,
  "recovery.received": recoveryReceived,
};

/**
 * A lifecycle fact, once judged as a message (receipt, requirements, natural key): its handler's effect,
 * written with the receipt and the standing fact in the one transaction, its messages as outbox items.
 */
export function decideLifecycle(
  message: AnyMessage & { type: LifecycleType },
  snapshot: Snapshot,
  context: DecideContext,
  judged: Judged,
): Step {
  const handler = HANDLERS[message.type] as LifecycleHandler<LifecycleType>;
  const outcome = handler(message, snapshot, context);
  if ("needs" in outcome) return { needs: outcome.needs };
  if ("waiting" in outcome) return waiting(judged.ref, outcome.waiting.key, outcome.waiting.detail);
  if ("rejected" in outcome) return reject(judged.ref, "invalid-data", outcome.rejected);
  const { ws, messages, reason } = outcome.effect;
  const receipt = receiptItem(message, context, []);
  if (reason) receipt.reason = reason;
  if (!reason) ws.write(factItem(message, judged));
  const puts = ws.puts();
  const traced = { message, naturalKey: judged.naturalKey, snapshot, puts, city: context.city };
  const writes: Writes = {
    receipt,
    puts,
    checks: checksOf(judged.read, snapshot, ws.checks()),
    payouts: [],
    outbox: outboxOf(messages, keyId(receipt.key)),
    history: historyOf(context, traced),
  };
  return { decision: { outcome: "applied", message: judged.ref, ...(reason ? { reason } : {}), writes } };
}
