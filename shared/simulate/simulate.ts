import { type AnyMessage, type ParseResult, parseMessage, type Rejection } from "../contract";
import {
  type Decision,
  type Item,
  MAX_ITEM_BYTES,
  MAX_TRANSACTION_ACTIONS,
  transactionActions,
} from "../decisions/items";
import { keyId } from "../decisions/keys";
import type { OutboxItem } from "../decisions/lifecycle/messages";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import type { CityPolicy } from "../policy/city";
import { replayDelivery } from "../policy/publishers";
import { type RefusedLine, type StreamLine, streamOf } from "./lines";
import { MemoryLedger, type MemoryLedgerOptions } from "./memory-ledger";
import {
  type DeadLetter,
  itemsOver,
  type OversizedFact,
  type OversizedItem,
  type RejectionRecord,
} from "./records";

export interface SimulationResult {
  messages: (PayoutMessage | ReleaseMessage)[];
  rejections: RejectionRecord[];
  deadLetters: DeadLetter[];
  /** Lines the queue would not have carried: they never reached the contract. */
  refused: RefusedLine[];
  outcomes: Record<"applied" | "duplicate" | "rejected" | "deadLetter" | "refused", number>;
  /** The ledger's final state, for checks on units (caps, signs) and for the stored-ledger comparison. */
  items: ReadonlyMap<string, Item>;
  /** The lifecycle's outbound message lists, in commit order. */
  lifecycle: readonly OutboxItem[];
  ledger: MemoryLedger;
  /** Applied facts a stored ledger could not commit: more actions than one transaction takes. */
  oversized: OversizedFact[];
  /** The lifecycle's message lists over DynamoDB's item limit (written once, so checked as committed). */
  oversizedLists: OversizedItem[];
}

export interface ReplayOptions extends MemoryLedgerOptions {
  /** Actions above which a fact is reported as oversized; DynamoDB's limit unless a test lowers it. */
  transactionLimit?: number;
  /** Bytes above which an item is reported as oversized; DynamoDB's limit unless a test lowers it. */
  itemLimit?: number;
}

export type Outcome = Decision | { outcome: "rejected"; rejection: Rejection };

/** A stream line as the contract judged it: refused by the queue before reaching it, or parsed. */
export type JudgedLine =
  | { refused: RefusedLine; parsed?: undefined }
  | { refused?: undefined; parsed: ParseResult };

/**
 * A stream replayed in order through the decision core with in-memory state, one line at a time. A
 * waiting fact (a revocation before its certificate) is parked, as SQS would redeliver it, and retried as
 * soon as the item it waits for is written; one still parked at the end is a dead letter.
 */
export class Replay {
  readonly ledger: MemoryLedger;
  readonly rejections: RejectionRecord[] = [];
  readonly refused: RefusedLine[] = [];
  readonly outcomes = { applied: 0, duplicate: 0, rejected: 0, deadLetter: 0, refused: 0 };
  readonly oversized: OversizedFact[] = [];
  readonly oversizedLists: OversizedItem[] = [];
  readonly #transactionLimit: number;
  readonly #itemLimit: number;
  readonly #parked = new Map<string, { message: AnyMessage; detail: string }[]>();
  readonly #context: { city: string; districtIds: ReadonlySet<string> };

  constructor(
    readonly city: CityPolicy,
    private readonly clock: () => string,
    private readonly onOutcome?: (outcome: Outcome) => void,
    options?: ReplayOptions,
  ) {
    this.ledger = new MemoryLedger(city, options);
    this.#transactionLimit = options?.transactionLimit ?? MAX_TRANSACTION_ACTIONS;
    this.#itemLimit = options?.itemLimit ?? MAX_ITEM_BYTES;
    this.#context = { city: city.city, districtIds: city.districtIds };
  }

  push(line: StreamLine): void {
    this.take(this.judge(line));
  }

  /** The line as this city's contract judges it, not yet decided: `compare` judges once, decides twice. */
  judge(line: StreamLine): JudgedLine {
    if (line.refused) return { refused: line.refused };
    // Sent as the publisher owning its source sends it, accepted when this replay's clock says.
    const delivery = replayDelivery(this.city, this.clock());
    return { parsed: parseMessage(line.text, this.#context, delivery) };
  }

  /** A judged line decided against this replay's ledger. */
  take(judged: JudgedLine): void {
    if (judged.refused) {
      this.refused.push(judged.refused);
      this.outcomes.refused++;
      return;
    }
    const { parsed } = judged;
    if (parsed.ok) {
      this.apply(parsed.message);
      return;
    }
    this.onOutcome?.({ outcome: "rejected", rejection: parsed.rejection });
    this.reject(parsed.rejection);
  }

  private apply(first: AnyMessage): void {
    const queue = [first];
    for (let message = queue.shift(); message; message = queue.shift()) {
      const decision = this.ledger.applyNow(message, this.clock());
      this.onOutcome?.(decision);
      if (decision.outcome === "waiting") {
        const waitingFor = keyId(decision.waitingFor);
        this.#parked.set(waitingFor, [
          ...(this.#parked.get(waitingFor) ?? []),
          { message, detail: decision.detail },
        ]);
      } else if (decision.outcome === "rejected") this.reject(decision.rejection);
      else {
        this.outcomes[decision.outcome]++;
        if (decision.outcome !== "applied") continue;
        const actions = transactionActions(decision.writes);
        if (actions > this.#transactionLimit) this.oversized.push({ ...decision.message, actions });
        // Written once, never replaced: each list is measured as it commits (standing items: `oversizedItems`).
        for (const list of itemsOver(decision.writes.outbox, this.#itemLimit)) this.oversizedLists.push(list);
        // A waiting fact waits for an item (its original fact, a batch, the first clock day): retry it
        // as soon as that item is written.
        for (const { item } of decision.writes.puts) {
          const waiting = this.#parked.get(keyId(item.key));
          if (!waiting) continue;
          this.#parked.delete(keyId(item.key));
          queue.push(...waiting.map((w) => w.message));
        }
      }
    }
  }

  private reject(rejection: Rejection): void {
    this.outcomes.rejected++;
    this.rejections.push({ ...rejection, receivedAt: this.clock() });
  }

  /** What is still parked: the dead letters, if the stream ended here. */
  deadLetters(): DeadLetter[] {
    return [...this.#parked.values()].flat().map(({ message, detail }) => ({
      source: message.source,
      id: message.id,
      type: message.type,
      why: detail,
    }));
  }

  result(): SimulationResult {
    const deadLetters = this.deadLetters();
    this.outcomes.deadLetter = deadLetters.length;
    return {
      messages: this.ledger.outbox,
      rejections: this.rejections,
      deadLetters,
      refused: this.refused,
      outcomes: this.outcomes,
      items: this.ledger.items,
      lifecycle: this.ledger.lifecycleOutbox,
      ledger: this.ledger,
      oversized: this.oversized,
      oversizedLists: this.oversizedLists,
    };
  }
}

/** Replays a whole stream (see Replay). */
export function simulate(
  lines: Iterable<string | StreamLine>,
  city: CityPolicy,
  clock: () => string,
  onOutcome?: (outcome: Outcome) => void,
  options?: ReplayOptions,
): SimulationResult {
  const replay = new Replay(city, clock, onOutcome, options);
  for (const line of streamOf(lines)) replay.push(line);
  return replay.result();
}
