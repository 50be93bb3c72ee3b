import { type AnyMessage, parseMessage, type Rejection } from "../contract";
import type { Decision, Item } from "../decisions/items";
import { keyId } from "../decisions/keys";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import type { CityPolicy } from "../policy/city";
import { type RefusedLine, type StreamLine, streamOf } from "./lines";
import { MemoryLedger } from "./memory-ledger";
import type { DeadLetter, RejectionRecord } from "./records";

export interface SimulationResult {
  messages: (PayoutMessage | ReleaseMessage)[];
  rejections: RejectionRecord[];
  deadLetters: DeadLetter[];
  /** Lines the queue would not have carried: they never reached the contract. */
  refused: RefusedLine[];
  outcomes: Record<"applied" | "duplicate" | "rejected" | "deadLetter" | "refused", number>;
  /** The ledger's final state, for checks on units (caps, signs) and for the stored-ledger comparison. */
  items: ReadonlyMap<string, Item>;
}

/**
 * Replays a stream in order through the decision core with in-memory state. A waiting fact (a
 * revocation before its certificate) is parked, as SQS would redeliver it, and retried as soon as the
 * fact it waits for is written; one still parked at the end is a dead letter.
 */
export function simulate(
  lines: Iterable<string | StreamLine>,
  city: CityPolicy,
  clock: () => string,
  onOutcome?: (outcome: Decision | { outcome: "rejected"; rejection: Rejection }) => void,
): SimulationResult {
  const ledger = new MemoryLedger(city);
  const context = { city: city.city, districtIds: city.districtIds };
  const parked = new Map<string, { message: AnyMessage; detail: string }[]>();
  const rejections: RejectionRecord[] = [];
  const refused: RefusedLine[] = [];
  const outcomes = { applied: 0, duplicate: 0, rejected: 0, deadLetter: 0, refused: 0 };

  const apply = (first: AnyMessage) => {
    const queue = [first];
    for (let message = queue.shift(); message; message = queue.shift()) {
      const decision = ledger.applyNow(message, clock());
      onOutcome?.(decision);
      if (decision.outcome === "waiting") {
        const waitingFor = keyId(decision.waitingFor);
        parked.set(waitingFor, [...(parked.get(waitingFor) ?? []), { message, detail: decision.detail }]);
      } else if (decision.outcome === "rejected") {
        outcomes.rejected++;
        rejections.push({ ...decision.rejection, receivedAt: clock() });
      } else {
        outcomes[decision.outcome]++;
        if (decision.outcome !== "applied") continue;
        // A waiting fact waits for an item (its original fact, a batch, the first clock day): retry it
        // as soon as that item is written.
        for (const { item } of decision.writes.puts) {
          const waiting = parked.get(keyId(item.key));
          if (!waiting) continue;
          parked.delete(keyId(item.key));
          queue.push(...waiting.map((w) => w.message));
        }
      }
    }
  };

  for (const line of streamOf(lines)) {
    if (line.refused) {
      refused.push(line.refused);
      outcomes.refused++;
      continue;
    }
    const parsed = parseMessage(line.text, context);
    if (parsed.ok) apply(parsed.message);
    else {
      onOutcome?.({ outcome: "rejected", rejection: parsed.rejection });
      outcomes.rejected++;
      rejections.push({ ...parsed.rejection, receivedAt: clock() });
    }
  }
  const deadLetters = [...parked.values()].flat().map(({ message, detail }) => ({
    source: message.source,
    id: message.id,
    type: message.type,
    why: detail,
  }));
  outcomes.deadLetter = deadLetters.length;
  return { messages: ledger.outbox, rejections, deadLetters, refused, outcomes, items: ledger.items };
}
