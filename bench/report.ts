/** Per-fact figures from the passes' counts, and the printed tables. */
import { FACT_TYPES } from "../shared/contract";
import { totalRequests, type Usage } from "./meter";
import type { TypeStats } from "./passes";
import type { RawResult } from "./raw";
import type { ThroughputResult } from "./throughput";

export interface SqsPerFact {
  /** Ingest poller: one ReceiveMessage per batch of `batchSize` deliveries (full batches assumed). */
  receive: number;
  /** Ingest poller: one DeleteMessageBatch per batch of acknowledged deliveries (waiting ones come back). */
  delete: number;
  /** Ingest handler: SendMessage to the rejected queue, one per rejection. */
  rejected: number;
  /** Relay: one SendMessage to the payouts FIFO queue per payout/clawback item written. */
  relay: number;
  total: number;
}

export interface PerFact {
  lines: number;
  deliveriesPerFact: number;
  outcomes: TypeStats["outcomes"];
  readUnits: number;
  writeUnits: number;
  /** DynamoDB Local's own ConsumedCapacity, for comparison only (see capacity.ts). */
  reportedReadUnits: number;
  reportedWriteUnits: number;
  transactions: number;
  conditionChecks: number;
  payouts: number;
  dynamodbRequests: number;
  dynamodbRequestsByOperation: Record<string, number>;
  sqs: SqsPerFact;
  byTable: Usage["byTable"];
}

const per = (value: number, lines: number) => (lines === 0 ? 0 : value / lines);

export function sqsPerFact(
  counts: { lines: number; deliveries: number; acknowledged: number; rejected: number; payouts: number },
  batchSize: number,
): SqsPerFact {
  const receive = per(counts.deliveries / batchSize, counts.lines);
  const del = per(counts.acknowledged / batchSize, counts.lines);
  const rejected = per(counts.rejected, counts.lines);
  const relay = per(counts.payouts, counts.lines);
  return { receive, delete: del, rejected, relay, total: receive + del + rejected + relay };
}

export function perFact(stats: TypeStats, batchSize: number): PerFact {
  const n = stats.lines;
  const byOperation = Object.fromEntries(
    Object.entries(stats.ddb.requests).map(([operation, count]) => [operation, per(count, n)]),
  );
  const byTable = Object.fromEntries(
    Object.entries(stats.ddb.byTable).map(([table, t]) => [
      table,
      { readUnits: per(t.readUnits, n), writeUnits: per(t.writeUnits, n) },
    ]),
  );
  return {
    lines: n,
    deliveriesPerFact: per(stats.deliveries, n),
    outcomes: stats.outcomes,
    readUnits: per(stats.ddb.readUnits, n),
    writeUnits: per(stats.ddb.writeUnits, n),
    reportedReadUnits: per(stats.ddb.reportedReadUnits, n),
    reportedWriteUnits: per(stats.ddb.reportedWriteUnits, n),
    transactions: per(stats.transactions, n),
    conditionChecks: per(stats.ddb.conditionChecks, n),
    payouts: per(stats.payouts, n),
    dynamodbRequests: per(totalRequests(stats.ddb), n),
    dynamodbRequestsByOperation: byOperation,
    sqs: sqsPerFact(
      {
        lines: n,
        deliveries: stats.deliveries,
        acknowledged: stats.acknowledged,
        rejected: stats.rejectedSends,
        payouts: stats.payouts,
      },
      batchSize,
    ),
    byTable,
  };
}

/** Fact types in the contract's order, then whatever else the sample holds (rejected lines). */
export function typeOrder(types: Iterable<string>): string[] {
  const known = FACT_TYPES as readonly string[];
  const present = [...new Set(types)];
  return [...known.filter((t) => present.includes(t)), ...present.filter((t) => !known.includes(t)).sort()];
}

const num = (value: number, width: number, digits = 2) =>
  (Number.isFinite(value) ? value.toFixed(digits) : "–").padStart(width);
const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);

export function perTypeTable(
  rows: { type: string; ours: PerFact; baseline: PerFact }[],
  total: { ours: PerFact; baseline: PerFact },
): string {
  const head1 =
    `${"".padEnd(33)} ${"".padStart(5)} │ ${"ours: receipt + one transaction".padEnd(39)}` +
    `│ ${"baseline: Powertools + puts".padEnd(32)}│ ours/base`;
  const head2 =
    `${"type".padEnd(33)} ${"lines".padStart(5)} │ ${"RCU".padStart(6)} ${"WCU".padStart(6)} ` +
    `${"tx".padStart(5)} ${"DDBreq".padStart(6)} ${"SQSreq".padStart(6)} ${"pay".padStart(5)} │ ` +
    `${"RCU".padStart(6)} ${"WCU".padStart(6)} ${"DDBreq".padStart(6)} ${"SQSreq".padStart(6)} │ ` +
    `${"RCU".padStart(5)} ${"WCU".padStart(5)}`;
  const line = (type: string, ours: PerFact, base: PerFact) =>
    `${type.padEnd(33)} ${String(ours.lines).padStart(5)} │ ` +
    `${num(ours.readUnits, 6)} ${num(ours.writeUnits, 6)} ${num(ours.transactions, 5)} ` +
    `${num(ours.dynamodbRequests, 6)} ${num(ours.sqs.total, 6)} ${num(ours.payouts, 5)} │ ` +
    `${num(base.readUnits, 6)} ${num(base.writeUnits, 6)} ${num(base.dynamodbRequests, 6)} ` +
    `${num(base.sqs.total, 6)} │ ` +
    `${num(ratio(ours.readUnits, base.readUnits), 5)} ${num(ratio(ours.writeUnits, base.writeUnits), 5)}`;
  const rule = "─".repeat(head2.length);
  return [
    head1,
    head2,
    rule,
    ...rows.map((r) => line(r.type, r.ours, r.baseline)),
    rule,
    line("all lines", total.ours, total.baseline),
  ].join("\n");
}

export interface ThroughputRow {
  label: string;
  workers: number;
  factsPerSecond?: number;
  deliveriesPerSecond?: number;
  transactionsPerSecond?: number;
  dynamodbRequestsPerFact?: number;
  sqsRequestsPerFact?: number;
  seconds: number;
  rounds?: number;
  note?: string;
}

export function throughputTable(rows: ThroughputRow[]): string {
  const opt = (value: number | undefined, width: number, digits = 1) =>
    value === undefined ? "–".padStart(width) : num(value, width, digits);
  const head =
    `${"figure".padEnd(40)} ${"workers".padStart(7)} ${"facts/s".padStart(8)} ${"deliv/s".padStart(8)} ` +
    `${"tx/s".padStart(7)} ${"DDBreq/fact".padStart(11)} ${"SQSreq/fact".padStart(11)} ` +
    `${"seconds".padStart(7)} ${"rounds".padStart(6)}  note`;
  return [
    head,
    "─".repeat(head.length + 10),
    ...rows.map(
      (r) =>
        `${r.label.padEnd(40)} ${String(r.workers).padStart(7)} ${opt(r.factsPerSecond, 8)} ` +
        `${opt(r.deliveriesPerSecond, 8)} ${opt(r.transactionsPerSecond, 7)} ` +
        `${opt(r.dynamodbRequestsPerFact, 11, 2)} ${opt(r.sqsRequestsPerFact, 11, 2)} ` +
        `${num(r.seconds, 7, 1)} ${r.rounds === undefined ? "–".padStart(6) : String(r.rounds).padStart(6)}  ${r.note ?? ""}`,
    ),
  ].join("\n");
}

export type { RawResult, ThroughputResult };
