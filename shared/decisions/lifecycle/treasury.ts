import { parseInstructionId, parseLineId } from "../../contract";
import { fenToYuan, minFen } from "../../money";
import { keys } from "../keys";
import { loaded } from "../snapshot";
import type { LineItem, ReceivableItem } from "./items";
import { settleReceivable } from "./lines";
import { effect, type LifecycleHandler, needing, type Outcome } from "./outcome";
import { settle } from "./settle";
import { lineViewKeys, namedLineKeys, refOf, statusIn } from "./view";
import { WorkingSet } from "./working-set";

/** The line an instruction id names, once that attempt is latched on its batch. */
function instructed(
  instructionId: string,
  snapshot: WorkingSet["snapshot"],
  city: Parameters<typeof lineViewKeys>[3],
): Outcome | { ws: WorkingSet; line: LineItem; amountFen: bigint } {
  const { lineId, attempt } = parseInstructionId(instructionId) as NonNullable<
    ReturnType<typeof parseInstructionId>
  >;
  const named = namedLineKeys(lineId, snapshot);
  if (!("seriesKey" in named)) return named;
  const { ref, key, seriesKey, batchKey } = named;
  const second = batchKey && needing(snapshot, [batchKey]);
  if (second) return second;
  const batch = batchKey && loaded(snapshot, batchKey, "batch");
  const latched = batch?.instructions[ref.hash];
  if (!batch || !latched || latched.attempt < attempt) {
    return { waiting: { key: batchKey ?? seriesKey, detail: `waits for instruction ${instructionId}` } };
  }
  const line = loaded(snapshot, key, "line");
  // The batch latched an instruction for this hash, but no line opened on the day the id names: the id
  // is not one the ledger issued (a line opens on the clock's day, so it can never appear later).
  if (!line) return { rejected: `data.instructionId: ${instructionId} names no payment line of this ledger` };
  if (latched.attempt > attempt)
    return { rejected: `data.instructionId: ${instructionId} was superseded by attempt ${latched.attempt}` };
  const result = line.results.find((r) => r.attempt === attempt);
  if (result)
    return {
      rejected: `data.instructionId: ${instructionId} was already reported ${result.paid ? "paid" : "failed"}`,
    };
  const views = needing(snapshot, [
    ...lineViewKeys(snapshot, refOf(line), line.beneficiary, city),
    keys.receivable(line.period, line.program, line.beneficiary),
    keys.agenda(),
  ]);
  if (views) return views;
  return { ws: new WorkingSet(snapshot), line, amountFen: latched.amountFen };
}

/** `disbursement.paid`: the amount must be the instruction's, to the fen. */
export const disbursementPaid: LifecycleHandler<"disbursement.paid"> = (message, snapshot, context) => {
  const found = instructed(message.data.instructionId, snapshot, context.city);
  if (!("ws" in found)) return found;
  const { ws, line, amountFen } = found;
  const { amount, reference, paidOn } = message.data;
  if (amount !== amountFen) {
    return {
      rejected: `data.amount: ${fenToYuan(amount)} differs from the instruction's ${fenToYuan(amountFen)}`,
    };
  }
  const attempt = Number(message.data.instructionId.split(".").at(-1));
  ws.write({ ...line, results: [...line.results, { attempt, paid: { reference, paidOn, amountFen } }] });
  return effect(ws, settle(ws, [line], context.city));
};

/**
 * `disbursement.failed` (退票): the line waits for a corrected confirmation. A receivable of the unit is
 * settled first against the money that never left (payments.md § Payment instructions).
 */
export const disbursementFailed: LifecycleHandler<"disbursement.failed"> = (message, snapshot, context) => {
  const found = instructed(message.data.instructionId, snapshot, context.city);
  if (!("ws" in found)) return found;
  const { ws, line } = found;
  const attempt = Number(message.data.instructionId.split(".").at(-1));
  const { failedOn, reason } = message.data;
  let failed: LineItem = { ...line, results: [...line.results, { attempt, failed: { failedOn, reason } }] };
  const receivable = ws.read(
    keys.receivable(line.period, line.program, line.beneficiary),
    "receivable",
  ) as ReceivableItem | null;
  if (receivable && receivable.owedFen > 0n) {
    const fen = minFen(receivable.owedFen, failed.amountFen);
    failed = {
      ...failed,
      amountFen: failed.amountFen - fen,
      reductions: [...failed.reductions, { byPayoutId: `receivable:${receivable.key.sk}`, fen }],
    };
    settleReceivable(
      ws,
      receivable,
      fen,
      `settled against failed ${message.data.instructionId}`,
      "settledAgainstFailedFen",
    );
  }
  ws.write(failed);
  return effect(ws, settle(ws, [failed], context.city));
};

/** `recovery.received`: what a beneficiary paid back, no more than it owes. */
export const recoveryReceived: LifecycleHandler<"recovery.received"> = (message, snapshot) => {
  const { beneficiary, program, period, amount, reference } = message.data;
  const key = keys.receivable(period, program, beneficiary);
  const first = needing(snapshot, [key, keys.beneficiary(beneficiary), keys.agenda(), keys.clock()]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const receivable = ws.read(key, "receivable") as ReceivableItem | null;
  if (!receivable) return { waiting: { key, detail: `waits for a receivable of ${program} ${period}` } };
  if (amount > receivable.owedFen) {
    return {
      rejected: `data.amount: ${fenToYuan(amount)} is more than the ${fenToYuan(receivable.owedFen)} owed`,
    };
  }
  settleReceivable(ws, receivable, amount, `recovered ${reference}`, "recoveredFen");
  return effect(ws, undefined);
};

/** `payee.declined`: the beneficiary waives one line, unless it is already instructed. */
export const payeeDeclined: LifecycleHandler<"payee.declined"> = (message, snapshot, context) => {
  const ref = parseLineId(message.data.lineId) as NonNullable<ReturnType<typeof parseLineId>>;
  const key = keys.line(ref);
  const first = needing(snapshot, [key]);
  if (first) return first;
  const line = loaded(snapshot, key, "line");
  if (!line) return { waiting: { key, detail: `waits for line ${message.data.lineId}` } };
  const views = needing(snapshot, [
    ...lineViewKeys(snapshot, refOf(line), line.beneficiary, context.city),
    keys.agenda(),
  ]);
  if (views) return views;
  const ws = new WorkingSet(snapshot);
  const state = statusIn(ws, line, context.city).status.state;
  if (["instructed", "disbursed", "failed"].includes(state)) {
    return { rejected: `data.lineId: ${line.lineId} is already ${state}; it can no longer be declined` };
  }
  const declined = { ...line, declinedOn: message.data.declinedOn };
  ws.write(declined);
  return effect(ws, settle(ws, [declined], context.city));
};
