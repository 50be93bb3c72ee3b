/**
 * Per-type cost: the sample fed once, in file order, one fact at a time, on a fresh table, so every
 * request the metered clients make between two snapshots belongs to the fact being applied.
 * A waiting fact is parked and delivered again right after the fact it waits for is written (the
 * earliest a queue redelivery could succeed); one whose original never comes is delivered again until
 * the queue's receive limit and then counted as a dead letter.
 */
import { type AnyMessage, parseMessage } from "../shared/contract";
import type { Writes } from "../shared/decisions/items";
import { keyId } from "../shared/decisions/keys";
import type { Ledger } from "../shared/decisions/ledger";
import type { CityPolicy } from "../shared/policy/city";
import { replayDelivery } from "../shared/policy/publishers";
import { addUsage, type DynamoMeter, emptyUsage, type Usage, usageSince } from "./meter";
import { lineType } from "./sample";

export type Outcome = "applied" | "duplicate" | "rejected" | "waiting";

export interface Delivery {
  outcome: Outcome;
  /** For a waiting fact: the fact key it waits for. */
  waitingFor?: string;
  /** For an applied fact: the writes (fact keys release parked facts; the transaction is replayed raw). */
  writes?: Writes;
}

export interface TypeStats {
  /** Lines of this type in the sample. */
  lines: number;
  /** Deliveries, redeliveries of waiting facts included. */
  deliveries: number;
  /** Deliveries that ended the message (applied, duplicate, rejected): deleted from the queue. */
  acknowledged: number;
  outcomes: Record<Outcome | "deadLetter", number>;
  /** TransactWriteItems requests (ours: one per applied fact). */
  transactions: number;
  /** Payout/clawback items written: one relay SendMessage each. */
  payouts: number;
  /** SendMessage to the rejected queue. */
  rejectedSends: number;
  ddb: Usage;
}

export function emptyStats(): TypeStats {
  return {
    lines: 0,
    deliveries: 0,
    acknowledged: 0,
    outcomes: { applied: 0, duplicate: 0, rejected: 0, waiting: 0, deadLetter: 0 },
    transactions: 0,
    payouts: 0,
    rejectedSends: 0,
    ddb: emptyUsage(),
  };
}

export function addStats(into: TypeStats, from: TypeStats): TypeStats {
  into.lines += from.lines;
  into.deliveries += from.deliveries;
  into.acknowledged += from.acknowledged;
  for (const key of Object.keys(into.outcomes) as (keyof TypeStats["outcomes"])[]) {
    into.outcomes[key] += from.outcomes[key];
  }
  into.transactions += from.transactions;
  into.payouts += from.payouts;
  into.rejectedSends += from.rejectedSends;
  addUsage(into.ddb, from.ddb);
  return into;
}

export interface PassResult {
  byType: Record<string, TypeStats>;
  total: TypeStats;
  /** The writes of every applied fact, in order (ours: the transactions replayed by the raw figure). */
  applied: Writes[];
  seconds: number;
}

/** A fact on its way: its row, and how often it has been delivered. */
interface Pending {
  message: AnyMessage;
  type: string;
  deliveries: number;
}

/** One delivery added to its type's counters: what it used, how it ended, the writes of an applied fact. */
function count(s: TypeStats, used: Usage, result: Delivery): void {
  addUsage(s.ddb, used);
  s.deliveries++;
  s.transactions += used.requests.TransactWriteItems ?? 0;
  s.outcomes[result.outcome]++;
  if (result.outcome === "waiting") return;
  s.acknowledged++;
  if (result.outcome === "rejected") s.rejectedSends++;
  if (result.outcome === "applied" && result.writes) s.payouts += result.writes.payouts.length;
}

/** A line the contract rejects before any ledger sees it: one delivery, acknowledged, one rejected send. */
function countParseRejection(s: TypeStats): void {
  s.deliveries++;
  s.acknowledged++;
  s.outcomes.rejected++;
  s.rejectedSends++;
}

/**
 * The sample through `deliver`, metered fact by fact (see the file's comment). The delivery of one fact,
 * the parked facts it releases and the per-type counters share their state, so they stay in one function.
 */
export async function capacityPass(options: {
  lines: readonly string[];
  city: CityPolicy;
  meter: DynamoMeter;
  deliver: (message: AnyMessage) => Promise<Delivery>;
  receiveLimit: number;
}): Promise<PassResult> {
  const { meter, deliver } = options;
  const context = { city: options.city.city, districtIds: options.city.districtIds };
  const byType: Record<string, TypeStats> = {};
  const applied: Writes[] = [];
  const parked = new Map<string, Pending[]>();
  const started = performance.now();

  const stats = (type: string) => {
    let s = byType[type];
    if (!s) {
      s = emptyStats();
      byType[type] = s;
    }
    return s;
  };

  const deliverOnce = async (entry: Pending): Promise<Delivery> => {
    const before = meter.snapshot();
    const result = await deliver(entry.message);
    entry.deliveries++;
    count(stats(entry.type), usageSince(before, meter.snapshot()), result);
    if (result.outcome === "applied" && result.writes) applied.push(result.writes);
    return result;
  };

  /** Delivers a fact, then every parked fact its writes release, and so on. */
  const run = async (first: Pending) => {
    const queue = [first];
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const result = await deliverOnce(entry);
      if (result.outcome === "waiting") {
        const key = result.waitingFor ?? "?";
        parked.set(key, [...(parked.get(key) ?? []), entry]);
      } else if (result.outcome === "applied" && result.writes) {
        for (const { item } of result.writes.puts) {
          queue.push(...(parked.get(keyId(item.key)) ?? []));
          parked.delete(keyId(item.key));
        }
      }
    }
  };

  for (const line of options.lines) {
    const type = lineType(line);
    stats(type).lines++;
    const parsed = parseMessage(line, context, replayDelivery(options.city, new Date().toISOString()));
    if (parsed.ok) await run({ message: parsed.message, type, deliveries: 0 });
    else countParseRejection(stats(type));
  }

  // Orphans: redelivered until the receive limit, then the queue dead-letters them.
  const orphans = [...parked.values()].flat();
  parked.clear();
  for (const entry of orphans) {
    let ended = false;
    while (!ended && entry.deliveries < options.receiveLimit) {
      ended = (await deliverOnce(entry)).outcome !== "waiting";
    }
    if (!ended) stats(entry.type).outcomes.deadLetter++;
  }

  const total = Object.values(byType).reduce((sum, s) => addStats(sum, s), emptyStats());
  return { byType, total, applied, seconds: (performance.now() - started) / 1000 };
}

/** Any ledger behind the port (ours, the baseline), applied exactly as ingest calls it. */
export function ledgerDelivery(ledger: Ledger, clock: () => string) {
  return async (message: AnyMessage): Promise<Delivery> => {
    const { decision } = await ledger.apply(message, clock);
    switch (decision.outcome) {
      case "applied":
        return { outcome: "applied", writes: decision.writes };
      case "waiting":
        return { outcome: "waiting", waitingFor: keyId(decision.waitingFor) };
      default:
        return { outcome: decision.outcome };
    }
  };
}
