/**
 * The printed tables of a bench run: per event type, throughput per figure, and the ratios (README.md's
 * tables are read off these). Money only through shared/money.ts.
 */
import { cpus } from "node:os";
import { fenToYuan } from "../shared/money";
import { type Passes, WORKER_COUNTS } from "./figures";
import { CAPACITY_NOTE, type PerFact, pick, type Results, type ThroughputSummary } from "./report";

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

/** `+¥1.00` / `-¥1.00`: how far a round's net paid is from the sequential pass's. */
const signedYuan = (fen: bigint) => `${fen < 0n ? "-" : "+"}¥${fenToYuan(fen < 0n ? -fen : fen)}`;

/** Payout items when they differ from the sequential pass's, and every round's net paid against it. */
function payoutNote(s: ThroughputSummary, sequentialNetPaidFen: string): string {
  const items =
    s.payoutItems === s.sequentialPayoutItems
      ? ""
      : `${s.payoutItems} payout items, sequential ${s.sequentialPayoutItems}`;
  const off = s.netPaidFen
    .filter((fen) => fen !== sequentialNetPaidFen)
    .map((fen) => signedYuan(BigInt(fen) - BigInt(sequentialNetPaidFen)));
  const paid = off.length
    ? `net paid off by ${off.join(", ")} in ${off.length}/${s.netPaidFen.length} rounds`
    : "net paid = sequential";
  return [items, paid].filter(Boolean).join("; ");
}

const spread = (rates: number[]) => rates.map((rate) => rate.toFixed(0)).join("/");
const notes = (...parts: string[]) => parts.filter(Boolean).join("; ");

/** Per worker count: ours, the baseline and raw TransactWriteItems, each with its note. */
export function throughputRows(r: Results, sequentialNetPaidFen: string): ThroughputRow[] {
  return WORKER_COUNTS.flatMap((workers): ThroughputRow[] => {
    const ours = pick(r.summaries, `ours-${workers}`);
    const base = pick(r.summaries, `baseline-${workers}`);
    const raw = pick(r.raws, `raw-${workers}`);
    const handler = (s: ThroughputSummary) => ({
      workers,
      factsPerSecond: s.factsPerSecond,
      deliveriesPerSecond: s.deliveriesPerSecond,
      dynamodbRequestsPerFact: s.dynamodbRequestsPerFact,
      sqsRequestsPerFact: s.sqsRequestsPerFact,
      seconds: s.seconds,
      rounds: s.rounds,
    });
    const inProgress = base.errors.IdempotencyAlreadyInProgressError;
    return [
      {
        label: "ours: ingest record handler",
        ...handler(ours),
        transactionsPerSecond: ours.transactionsPerSecond,
        note: notes(
          `segments ${spread(ours.segmentFactsPerSecond)}`,
          ours.cancelledTransactions ? `${ours.cancelledTransactions} lost races retried` : "",
          payoutNote(ours, sequentialNetPaidFen),
        ),
      },
      {
        label: "baseline: Powertools idempotency + puts",
        ...handler(base),
        note: notes(
          `segments ${spread(base.segmentFactsPerSecond)}`,
          inProgress ? `${inProgress} in-progress duplicates redelivered` : "",
          payoutNote(base, sequentialNetPaidFen),
        ),
      },
      {
        label: "raw: TransactWriteItems, same shapes",
        workers,
        transactionsPerSecond: raw.transactionsPerSecond,
        seconds: raw.seconds,
        note: `segments ${spread(raw.segments.map((x) => x.transactionsPerSecond))}; ${raw.transactions} tx, ${(raw.actions / Math.max(1, raw.transactions)).toFixed(1)} actions/tx`,
      },
    ];
  });
}

/** Everything a run prints after its progress lines. */
export function printResults(r: Results, passes: Passes, run: { lines: number; batchSize: number }): void {
  const { totals, costRatios } = r;
  const split = (table: string) => (totals.baseline.byTable[table]?.writeUnits ?? 0).toFixed(2);
  const paid = (fen: string) => `¥${fenToYuan(BigInt(fen))}`;
  console.log("");
  console.log(
    "Per event type — per sample line, sequential, fresh tables, file order; waiting facts redelivered",
  );
  console.log(`  ${CAPACITY_NOTE}`);
  console.log(
    `  SQSreq computed from counts: ReceiveMessage + DeleteMessageBatch per ${run.batchSize} deliveries, rejected SendMessage, one relay SendMessage per payout item (pay = payout items per line).`,
  );
  console.log("");
  console.log(perTypeTable(r.perType, totals));
  console.log("");
  console.log(
    `Baseline WCU split: ledger ${split(passes.tables.baseline)}, Powertools idempotency table ${split(passes.tables.baselineIdempotency)} per line; ours: ${totals.ours.conditionChecks.toFixed(2)} ConditionChecks per line (2 WCU each).`,
  );
  console.log(
    `DynamoDB Local's own figures (all lines): ours RCU ${totals.ours.reportedReadUnits.toFixed(2)} WCU ${totals.ours.reportedWriteUnits.toFixed(2)}, baseline RCU ${totals.baseline.reportedReadUnits.toFixed(2)} WCU ${totals.baseline.reportedWriteUnits.toFixed(2)} per line.`,
  );
  console.log("");
  console.log(
    `Throughput — DynamoDB Local + fauxqs in this process, ${cpus().length} CPUs; whole rounds of the ${run.lines}-line sample, each round on fresh tables`,
  );
  console.log("");
  console.log(throughputTable(throughputRows(r, passes.sequentialNetPaidFen)));
  console.log(
    `Net paid for one round of the sample, sequential: ours ${paid(passes.sequentialNetPaidFen)}, baseline ${paid(passes.baselineSequentialNetPaidFen)}; each throughput round is checked against it (note column).`,
  );
  console.log("");
  console.log(
    `Ratios ours/baseline (all lines): RCU ${costRatios.readUnits.toFixed(2)}×, WCU ${costRatios.writeUnits.toFixed(2)}×, DynamoDB requests ${costRatios.dynamodbRequests.toFixed(2)}×, SQS requests ${costRatios.sqsRequests.toFixed(2)}×`,
  );
  for (const [key, ratio] of Object.entries(r.ratios)) {
    console.log(
      `Ratios ${key}: facts/s ours/baseline ${ratio.factsPerSecondOursOverBaseline.toFixed(2)}×; ours tx/s ÷ raw tx/s ${ratio.transactionsPerSecondOursOverRaw.toFixed(2)}; raw ceiling ${ratio.rawCeilingFactsPerSecond.toFixed(0)} facts/s (raw tx/s ÷ ${totals.ours.transactions.toFixed(2)} tx/fact), ours reaches ${(ratio.factsPerSecondOursOverRawCeiling * 100).toFixed(0)}% of it`,
    );
  }
}
