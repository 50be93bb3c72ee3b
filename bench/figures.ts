/**
 * The measurements of one bench run, in the order run.ts makes them: the sequential per-type passes (ours
 * and the baseline), then throughput through the record handlers and raw TransactWriteItems, each figure in
 * two segments. Tables and the JSON report are made from what these return (tables.ts, report.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  type AttributeValue,
  DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createRecordHandler } from "../functions/ingest/ingest";
import type { localClientConfig } from "../local/engines";
import { createLedgerTable } from "../local/provision";
import { cityTemplate } from "../local/template";
import { DynamoLedger } from "../shared/ledger/dynamo-ledger";
import type { CityPolicy } from "../shared/policy/city";
import type { TableSchema } from "./capacity";
import { addUsage, DynamoMeter, emptyUsage, type SqsMeter, type Usage } from "./meter";
import { capacityPass, ledgerDelivery, type PassResult } from "./passes";
import { combineRaw, measureRaw, type RawResult, rawTemplates } from "./raw";
import { combineThroughput, measureThroughput, type Round, type ThroughputResult } from "./throughput";

export const WORKER_COUNTS = [1, 4] as const;

/** The baseline module (loaded on demand by run.ts: it needs a package the product does not). */
export type Baseline = typeof import("./baseline");

/** What every figure is measured with. */
export interface Bench {
  city: CityPolicy;
  lines: readonly string[];
  ddbConfig: ReturnType<typeof localClientConfig>;
  /** Creates and scans tables, unmetered. */
  admin: DynamoDBClient;
  sqs: SQSClient;
  sqsMeter: SqsMeter;
  rejectedQueueUrl: string;
  baseline: Baseline;
}

const LEDGER_SCHEMA: TableSchema = {
  key: ["pk", "sk"],
  indexes: [
    ["gsi1pk", "gsi1sk"],
    ["gsi2pk", "gsi2sk"],
  ],
};
const IDEMPOTENCY_SCHEMA: TableSchema = { key: ["id"], indexes: [] };

const clock = () => new Date().toISOString();
const silentLogger = () => new Logger({ serviceName: "bench", logLevel: "SILENT" });
const disabledMetrics = () => new Metrics({ namespace: "autogrant-bench", serviceName: "bench" });

/**
 * The ledger table as the city's template declares it, minus the stream: the bench runs no relay, and
 * DynamoDB Local slows every write down (all tables, ~5× after one sample's worth) as stream-enabled
 * tables accumulate records, which real DynamoDB does not (a stream costs its writer nothing). See README.md.
 */
async function createBenchLedgerTable(bench: Bench, tableName: string): Promise<void> {
  await createLedgerTable(await cityTemplate(bench.city.city), bench.admin, tableName);
  await bench.admin.send(
    new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
  );
}

/** Σ amountFen of a ledger table's payout items (clawbacks are negative): what the city pays, net. */
async function netPaid(client: DynamoDBClient, tableName: string): Promise<bigint> {
  let total = 0n;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page: ScanCommandOutput = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: "entity = :payout",
        ExpressionAttributeValues: { ":payout": { S: "payout" } },
        ProjectionExpression: "amountFen",
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) total += BigInt(item.amountFen?.N ?? "0");
    start = page.LastEvaluatedKey;
  } while (start);
  return total;
}

/** The two sequential, metered passes over the sample, each on fresh tables. */
export interface Passes {
  ours: PassResult;
  baseline: PassResult;
  /** What the sample entitles, net: Σ of the payout items the sequential pass wrote. */
  sequentialNetPaidFen: string;
  baselineSequentialNetPaidFen: string;
  tables: { ours: string; baseline: string; baselineIdempotency: string };
}

export async function capacityPasses(bench: Bench): Promise<Passes> {
  const { city, lines } = bench;
  const { receiveLimit, timeoutSeconds } = city.file.operations.ingest;
  const tables = {
    ours: "bench-cap-ours-ledger",
    baseline: "bench-cap-base-ledger",
    baselineIdempotency: "bench-cap-base-idempotency",
  };
  const oursMeter = new DynamoMeter();
  const oursClient = new DynamoDBClient(bench.ddbConfig);
  oursMeter.attach(oursClient, { model: true });
  await createBenchLedgerTable(bench, tables.ours);
  oursMeter.table(tables.ours, LEDGER_SCHEMA);
  process.stdout.write("per-type pass, ours … ");
  const ledger = new DynamoLedger(oursClient, tables.ours, city);
  const deliver = ledgerDelivery(ledger, clock);
  const ours = await capacityPass({ lines, city, meter: oursMeter, deliver, receiveLimit });
  console.log(`${ours.seconds.toFixed(1)} s`);

  const { BaselineLedger, idempotencyPersistence } = bench.baseline;
  const baseMeter = new DynamoMeter();
  const baseClient = new DynamoDBClient(bench.ddbConfig);
  baseMeter.attach(baseClient, { model: true });
  await createBenchLedgerTable(bench, tables.baseline);
  await bench.baseline.createIdempotencyTable(bench.admin, tables.baselineIdempotency);
  baseMeter.table(tables.baseline, LEDGER_SCHEMA);
  baseMeter.table(tables.baselineIdempotency, IDEMPOTENCY_SCHEMA);
  process.stdout.write("per-type pass, baseline … ");
  const baseLedger = new BaselineLedger({
    client: baseClient,
    table: tables.baseline,
    city,
    persistenceStore: idempotencyPersistence(baseClient, tables.baselineIdempotency),
    keyPrefix: "bench-cap",
    timeoutSeconds,
  });
  const baseline = await capacityPass({
    lines,
    city,
    meter: baseMeter,
    deliver: ledgerDelivery(baseLedger, clock),
    receiveLimit,
  });
  console.log(`${baseline.seconds.toFixed(1)} s`);
  return {
    ours,
    baseline,
    sequentialNetPaidFen: String(await netPaid(bench.admin, tables.ours)),
    baselineSequentialNetPaidFen: String(await netPaid(bench.admin, tables.baseline)),
    tables,
  };
}

export type Kind = "ours" | "baseline";

/** One throughput figure: the handler's counts, its DynamoDB usage, its rejected sends, each round's net. */
export interface ThroughputRun {
  result: ThroughputResult;
  ddb: Usage;
  rejectedSends: number;
  netPaidFen: string[];
}

/** A figure over its segments, combined. */
export type CombinedRun = ThroughputRun & { segments: ThroughputResult[] };

/** Numbers every round's table, so that no two figures ever share one. */
let tableCount = 0;

/** How one round of the sample is handled: a fresh ledger table, ours or the baseline's ledger behind ingest's record handler. */
function roundPreparer(bench: Bench, kind: Kind, figure: string, client: DynamoDBClient) {
  const { city, sqs, rejectedQueueUrl } = bench;
  const { timeoutSeconds } = city.file.operations.ingest;
  const idempotencyTable = `bench-${figure}-idempotency`;
  const persistence = bench.baseline.idempotencyPersistence(client, idempotencyTable);
  const logger = silentLogger();
  const metrics = disabledMetrics();
  const tables: string[] = [];
  const prepare = async (index: number): Promise<Round> => {
    const table = `bench-${figure}-r${index}-${tableCount++}`;
    await createBenchLedgerTable(bench, table);
    tables[index] = table;
    const ledger =
      kind === "ours"
        ? new DynamoLedger(client, table, city)
        : new bench.baseline.BaselineLedger({
            client,
            table,
            city,
            persistenceStore: persistence,
            keyPrefix: `bench-r${index}`,
            timeoutSeconds,
          });
    return { handler: createRecordHandler({ ledger, sqs, rejectedQueueUrl, logger, metrics, clock }) };
  };
  return { prepare, tables, idempotencyTable };
}

/** Rounds to prepare before the throughput clock starts, from the sequential pass's pace. */
const roundsFor = (lines: number, pass: PassResult, workers: number, seconds: number) =>
  Math.ceil((seconds * (lines / pass.seconds) * Math.min(workers, 3)) / lines) + 1;

/** Facts per second through ours or the baseline's record handler: one segment of one figure. */
async function throughputRun(
  bench: Bench,
  passes: Passes,
  figure: { kind: Kind; workers: number; segment: number; seconds: number },
): Promise<ThroughputRun> {
  const { kind, workers, segment, seconds } = figure;
  const meter = new DynamoMeter();
  const client = new DynamoDBClient(bench.ddbConfig);
  meter.attach(client, { model: false });
  const sqsBefore = bench.sqsMeter.snapshot();
  const rounds = roundPreparer(bench, kind, `${kind}-${workers}w-s${segment}`, client);
  if (kind === "baseline") await bench.baseline.createIdempotencyTable(bench.admin, rounds.idempotencyTable);
  process.stdout.write(
    `throughput ${kind}, ${workers} worker${workers > 1 ? "s" : ""}, segment ${segment + 1} … `,
  );
  const pass = kind === "ours" ? passes.ours : passes.baseline;
  const result = await measureThroughput({
    lines: bench.lines,
    workers,
    minSeconds: seconds,
    receiveLimit: bench.city.file.operations.ingest.receiveLimit,
    preparedRounds: roundsFor(bench.lines.length, pass, workers, seconds),
    prepareRound: rounds.prepare,
  });
  const rejectedSends = (bench.sqsMeter.snapshot().SendMessage ?? 0) - (sqsBefore.SendMessage ?? 0);
  console.log(`${result.factsPerSecond.toFixed(0)} facts/s over ${result.seconds.toFixed(1)} s`);
  const netPaidFen: string[] = [];
  for (const table of rounds.tables.slice(0, result.rounds)) {
    netPaidFen.push(String(await netPaid(bench.admin, table)));
  }
  return { result, ddb: meter.snapshot(), rejectedSends, netPaidFen };
}

/** Raw TransactWriteItems of the shapes ours wrote: one segment of DynamoDB Local's own ceiling. */
async function rawRun(bench: Bench, passes: Passes, workers: number, segment: number, seconds: number) {
  const client = new DynamoDBClient(bench.ddbConfig);
  const table = `bench-raw-${workers}w-s${segment}`;
  await createBenchLedgerTable(bench, table);
  process.stdout.write(
    `raw TransactWriteItems, ${workers} worker${workers > 1 ? "s" : ""}, segment ${segment + 1} … `,
  );
  const templates = rawTemplates(passes.ours.applied);
  const result = await measureRaw({ client, table, templates, workers, minSeconds: seconds });
  console.log(`${result.transactionsPerSecond.toFixed(0)} tx/s over ${result.seconds.toFixed(1)} s`);
  return result;
}

/** Every throughput and raw figure, keyed `<kind>-<workers>`, each combined over its two segments. */
export interface Figures {
  runs: Record<string, CombinedRun>;
  raws: Record<string, RawResult & { segments: RawResult[] }>;
}

/**
 * Each figure is measured in two segments of half the time, in the order ours, baseline, raw, raw,
 * baseline, ours: a load change on the machine (JIT, another process) hits all three alike.
 */
export async function measureFigures(bench: Bench, passes: Passes, minSeconds: number): Promise<Figures> {
  const segments: Record<string, ThroughputRun[]> = {};
  const rawSegments: Record<string, RawResult[]> = {};
  const seconds = minSeconds / 2;
  for (const workers of WORKER_COUNTS) {
    const order = ["ours", "baseline", "raw", "raw", "baseline", "ours"] as const;
    for (const [position, kind] of order.entries()) {
      const segment = position < order.length / 2 ? 0 : 1;
      const key = `${kind}-${workers}`;
      if (kind === "raw") {
        rawSegments[key] = [
          ...(rawSegments[key] ?? []),
          await rawRun(bench, passes, workers, segment, seconds),
        ];
      } else {
        const run = await throughputRun(bench, passes, { kind, workers, segment, seconds });
        segments[key] = [...(segments[key] ?? []), run];
      }
    }
  }
  const runs = Object.fromEntries(
    Object.entries(segments).map(([key, list]) => [
      key,
      {
        result: combineThroughput(list.map((r) => r.result)),
        ddb: list.reduce((sum, r) => addUsage(sum, r.ddb), emptyUsage()),
        rejectedSends: list.reduce((sum, r) => sum + r.rejectedSends, 0),
        netPaidFen: list.flatMap((r) => r.netPaidFen),
        segments: list.map((r) => r.result),
      },
    ]),
  );
  const raws = Object.fromEntries(
    Object.entries(rawSegments).map(([key, list]) => [key, { ...combineRaw(list), segments: list }]),
  );
  return { runs, raws };
}
