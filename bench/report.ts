/**
 * What a bench run found, from the figures' counts: per-fact costs, throughput summaries, the ratios, and
 * the JSON written to bench/latest.json. The printed tables are tables.ts's.
 */
import { FACT_TYPES } from "../shared/contract";
import { type CombinedRun, type Figures, type Passes, WORKER_COUNTS } from "./figures";
import { totalRequests, type Usage } from "./meter";
import type { TypeStats } from "./passes";

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

/** One throughput figure, per fact and per second, with its rounds' net paid against the sequential pass. */
export function throughputSummary(run: CombinedRun, passes: Passes, batchSize: number) {
  const { result, ddb } = run;
  const transactions = ddb.requests.TransactWriteItems ?? 0;
  const sqsRequests =
    result.deliveries / batchSize + result.acknowledged / batchSize + run.rejectedSends + ddb.payoutItems;
  return {
    ...result,
    transactions,
    cancelledTransactions: ddb.errors.TransactionCanceledException ?? 0,
    transactionsPerSecond: transactions / result.seconds,
    dynamodbRequests: ddb.requests,
    dynamodbRequestsPerFact: totalRequests(ddb) / result.facts,
    rejectedSends: run.rejectedSends,
    payoutItems: ddb.payoutItems,
    /** What the sequential pass wrote for as many rounds: a difference is a race's (or an order's) effect. */
    sequentialPayoutItems: passes.ours.total.payouts * result.rounds,
    /** Σ amountFen of the payout items in each round's table; the sequential pass's is the entitlement. */
    netPaidFen: run.netPaidFen,
    roundsNetPaidOff: run.netPaidFen.filter((fen) => fen !== passes.sequentialNetPaidFen).length,
    sqsRequestsPerFact: sqsRequests / result.facts,
    segmentFactsPerSecond: run.segments.map((segment) => segment.factsPerSecond),
  };
}

export type ThroughputSummary = ReturnType<typeof throughputSummary>;

/** What the tables and the JSON are made of. */
export interface Results {
  perType: { type: string; ours: PerFact; baseline: PerFact }[];
  totals: { ours: PerFact; baseline: PerFact };
  summaries: Record<string, ThroughputSummary>;
  raws: Figures["raws"];
  /** Per worker count (`1w`, `4w`): ours against the baseline and against DynamoDB Local's own ceiling. */
  ratios: Record<string, ReturnType<typeof ceilingRatios>>;
  costRatios: { readUnits: number; writeUnits: number; dynamodbRequests: number; sqsRequests: number };
}

export function pick<T>(figures: Record<string, T>, key: string): T {
  const found = figures[key];
  if (!found) throw new Error(`no figure ${key}`);
  return found;
}

function ceilingRatios(
  ours: ThroughputSummary,
  base: ThroughputSummary,
  rawTxPerSecond: number,
  txPerFact: number,
) {
  const ceiling = rawTxPerSecond / txPerFact;
  return {
    factsPerSecondOursOverBaseline: ours.factsPerSecond / base.factsPerSecond,
    transactionsPerSecondOursOverRaw: ours.transactionsPerSecond / rawTxPerSecond,
    rawCeilingFactsPerSecond: ceiling,
    factsPerSecondOursOverRawCeiling: ours.factsPerSecond / ceiling,
  };
}

export function results(passes: Passes, figures: Figures, batchSize: number): Results {
  const types = typeOrder([...Object.keys(passes.ours.byType), ...Object.keys(passes.baseline.byType)]);
  const perType = types.map((type) => {
    const ours = passes.ours.byType[type];
    const base = passes.baseline.byType[type];
    if (!ours || !base) throw new Error(`type ${type} missing from a pass`);
    return { type, ours: perFact(ours, batchSize), baseline: perFact(base, batchSize) };
  });
  const totals = {
    ours: perFact(passes.ours.total, batchSize),
    baseline: perFact(passes.baseline.total, batchSize),
  };
  const summaries = Object.fromEntries(
    Object.entries(figures.runs).map(([key, run]) => [key, throughputSummary(run, passes, batchSize)]),
  );
  const ratios = Object.fromEntries(
    WORKER_COUNTS.map((workers) => [
      `${workers}w`,
      ceilingRatios(
        pick(summaries, `ours-${workers}`),
        pick(summaries, `baseline-${workers}`),
        pick(figures.raws, `raw-${workers}`).transactionsPerSecond,
        totals.ours.transactions,
      ),
    ]),
  );
  const costRatios = {
    readUnits: totals.ours.readUnits / totals.baseline.readUnits,
    writeUnits: totals.ours.writeUnits / totals.baseline.writeUnits,
    dynamodbRequests: totals.ours.dynamodbRequests / totals.baseline.dynamodbRequests,
    sqsRequests: totals.ours.sqs.total / totals.baseline.sqs.total,
  };
  return { perType, totals, summaries, raws: figures.raws, ratios, costRatios };
}

export const CAPACITY_NOTE =
  "RCU/WCU per line, computed from item sizes with DynamoDB's published rules (bench/capacity.ts); " +
  "DynamoDB Local's ConsumedCapacity under-reports transactions and misses, so it is only kept in the JSON (reported*).";

/** bench/latest.json: the run's settings, how each figure was measured, and every figure. */
export function latestJson(
  run: {
    runSeconds: number;
    machine: Record<string, unknown>;
    city: string;
    lines: number;
    minSeconds: number;
  },
  settings: { batchSize: number; receiveLimit: number },
  passes: Passes,
  r: Results,
) {
  return {
    timestamp: new Date().toISOString(),
    runSeconds: run.runSeconds,
    machine: run.machine,
    settings: {
      city: run.city,
      sampleLines: run.lines,
      minSecondsPerFigure: run.minSeconds,
      workers: WORKER_COUNTS,
      ingestBatchSize: settings.batchSize,
      receiveLimit: settings.receiveLimit,
    },
    methods: {
      capacity: CAPACITY_NOTE,
      sqs: "per-type: computed from counts (ReceiveMessage and DeleteMessageBatch per batch of ingest deliveries, one SendMessage per rejection, one relay SendMessage per payout item); throughput: rejected SendMessage counted on the actual path (SQS middleware), payout items counted from the write requests, poller requests computed from deliveries",
      redelivery:
        "per-type: a waiting fact is delivered again right after its original is written; an orphan until the receive limit. Throughput: a failed record goes to the back of the shared list, until the receive limit.",
      raw: "transactions built with transactionFor from the per-type pass's applied facts, re-keyed to fresh keys per send, version conditions replaced by attribute_not_exists(pk)",
    },
    perType: Object.fromEntries(
      r.perType.map((row) => [row.type, { ours: row.ours, baseline: row.baseline }]),
    ),
    allLines: r.totals,
    costRatiosOursOverBaseline: r.costRatios,
    passSeconds: { ours: passes.ours.seconds, baseline: passes.baseline.seconds },
    sequentialNetPaidFen: {
      ours: passes.sequentialNetPaidFen,
      baseline: passes.baselineSequentialNetPaidFen,
    },
    throughput: r.summaries,
    raw: r.raws,
    throughputRatios: r.ratios,
    unmodelledRequests: passes.ours.total.ddb.unmodelled + passes.baseline.total.ddb.unmodelled,
  };
}
