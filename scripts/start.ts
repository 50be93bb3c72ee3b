/**
 * npm start [-- --city <id> --events <in.ndjson> --out <payouts.ndjson> [--rejects <r.ndjson>]
 *   [--dead-letters <d.ndjson>] [--refused <lines.ndjson>] [--visibility <whole seconds>] [--serve [--port <n>]]]
 * A city's stack on this machine, end to end: DynamoDB Local and the SQS emulator; the table and queues
 * made from the city's synthesised CloudFormation template; the unchanged Lambda handlers driven as
 * Lambda's event sources drive them. With no arguments, the Jinan sample. With --serve, the stack stays up
 * with the finance workbench in front of it — the console at `/`, the workbench API at `/api/`, on
 * 127.0.0.1 (--port, default a free one) — until Ctrl-C.
 */
import { type Engines, startEngines } from "../local/engines";
import { serveWorkbench } from "../local/serve";
import { LocalStack } from "../local/stack";
import { cityTemplate, templateSettings } from "../local/template";
import type { CityPolicy } from "../shared/policy/city";
import { readCity } from "../shared/policy/files";
import type { RefusedLine } from "../shared/simulate/lines";
import { formatLineStates, formatSummary, summarise } from "../shared/simulate/summary";
import { checkStreamArgs, STREAM_OPTIONS, STREAM_USAGE } from "./lib/args";
import { commandArgs, parseFlags, wholeNumber } from "./lib/cli";
import { readStream, writeNdjson } from "./lib/ndjson";
import { Progress } from "./lib/progress";

const args = commandArgs(
  "start",
  `npm start -- ${STREAM_USAGE} [--visibility <seconds>] [--serve [--port <n>]]`,
  (argv) => {
    const values = checkStreamArgs(
      parseFlags(argv, {
        ...STREAM_OPTIONS,
        visibility: { type: "string", default: "3" },
        serve: { type: "boolean" },
        port: { type: "string", default: "0" },
      }),
    );
    // Locally a waiting fact whose original never comes should be dead-lettered in seconds, not minutes.
    return {
      ...values,
      visibility: wholeNumber(values.visibility, "visibility", 1),
      port: wholeNumber(values.port, "port"),
    };
  },
);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stderr.write(`${line}\n`);

const city = readCity(args.city);
const lines = readStream(args.events);
const { visibility } = args;

say(`starting DynamoDB Local and the SQS emulator…`);
const engines = await startEngines();
let stack: LocalStack | undefined;
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await stack?.stop().catch(() => {});
  await engines.stop();
  process.exit(code);
};
process.once("SIGINT", () => void shutdown(130));
process.once("SIGTERM", () => void shutdown(143));

try {
  say(`synthesising Autogrant-${city.city} and creating its table and queues from the template…`);
  const template = await cityTemplate(city.city);
  const production = templateSettings(template).ingest;
  stack = await LocalStack.start({
    city,
    endpoints: { dynamodb: engines.dynamodb.endpoint, sqs: engines.sqs.endpoint },
    template,
    visibilityTimeoutSeconds: visibility,
  });

  const progress = new Progress(lines.length, stack, elapsed);
  const refused = await stack.publish(lines, (sent) => progress.published(sent));
  const ticking = setInterval(() => progress.draw(), 200);
  await stack.quiet(300_000);
  clearInterval(ticking);
  progress.draw(true);
  const collected = await stack.collect();
  writeNdjson(args.out, collected.messages);
  writeNdjson(args.rejects, collected.rejections);
  writeNdjson(args["dead-letters"], collected.deadLetters);
  writeNdjson(args.refused, refused);

  printSummary(city, stack, collected, refused, production.visibilityTimeoutSeconds);
  console.log(`\n${formatLineStates(await stack.reconcile())}`);
  if (args.serve) {
    const workbench = await serveWorkbench(stack, { port: args.port });
    console.log(serving(engines, stack));
    // One line each, so a script (or a person) can pick them up.
    console.log(`console: ${workbench.origin}/`);
    console.log(`api: ${workbench.origin}/api/`);
    await new Promise(() => {}); // until SIGINT
  }
  await shutdown(0);
} catch (error) {
  say(`failed after ${elapsed()}: ${(error as Error).stack ?? error}`);
  await shutdown(1);
}

function printSummary(
  city: CityPolicy,
  stack: LocalStack,
  collected: Awaited<ReturnType<LocalStack["collect"]>>,
  refused: RefusedLine[],
  productionVisibility: number,
): void {
  const seconds = (performance.now() - started) / 1000;
  const { ingest } = stack.settings;
  console.log(`${city.file.name} (${city.city}) on the local stack: ${args.events}`);
  console.log(
    formatSummary(summarise(collected.messages, collected.rejections, collected.deadLetters, refused)),
  );
  console.log(
    `\n${lines.length} events in ${seconds.toFixed(1)} s end to end = ${Math.round(lines.length / seconds)} events/s ` +
      `→ ${args.out}\nlocal settings from the template: batch ${ingest.batchSize}, ${workersText(ingest.maxConcurrency)}, ` +
      `receive limit ${ingest.receiveLimit}; visibility timeout shortened from ${productionVisibility} s to ` +
      `${visibility} s so that waiting facts whose original never comes are dead-lettered in seconds, and the ` +
      `function timeout from ${ingest.timeoutSeconds} s to ${Math.min(visibility, ingest.timeoutSeconds)} s with it (Lambda allows no longer)` +
      (stack.ingestCounters().invocationErrors
        ? `; ${stack.ingestCounters().invocationErrors} batch(es) outlived it and were delivered again`
        : ""),
  );
}

function serving(engines: Engines, stack: LocalStack): string {
  const r = stack.resources;
  const channels = r.channels.map(
    (c) => `  ${c.publisherId.padEnd(22)} sends to ${c.ingestQueueUrl}
${" ".repeat(25)}reads ${c.rejectedQueueUrl}`,
  );
  const example = r.channels.find((c) => c.publisherId === "hte-certification") ?? r.channels[0];
  return (
    `\nserving (Ctrl-C stops):\n  DynamoDB endpoint ${engines.dynamodb.endpoint}, table ${r.tableName}\n` +
    `  SQS endpoint ${engines.sqs.endpoint}; one channel per publisher:\n${channels.join("\n")}\n` +
    `  payouts  ${r.payoutsQueueUrl}\n` +
    `  e.g. aws --endpoint-url ${engines.sqs.endpoint} sqs send-message --queue-url ${example?.ingestQueueUrl} --message-body file://event.json`
  );
}

/** The pollers per channel and the invocations the shared function runs at once (local/stack.ts). */
function workersText(byPublisher: Readonly<Record<string, number>>): string {
  const channels = Object.keys(byPublisher).length;
  const most = Math.max(2, ...Object.values(byPublisher));
  return `one poller on each of ${channels} channels, at most ${most} invocations at once in all`;
}
