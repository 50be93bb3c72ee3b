/**
 * npm run simulate -- --city <id> --events <in.ndjson> --out <payouts.ndjson> [--rejects <r.ndjson>]
 *   [--dead-letters <d.ndjson>] [--refused <lines.ndjson>] [--now <RFC 3339 instant, for reproducible files>]
 * Replays a stream in order through the decision core with in-memory state: the what-if tool for a
 * policy change, and the reference the DynamoDB ledger and the local stack are tested against.
 */
import { reconcileLedger } from "../shared/decisions/lifecycle/reconcile";
import { readCity } from "../shared/policy/files";
import { simulate } from "../shared/simulate/simulate";
import { formatLineStates, formatSummary, storageWarnings, Tally } from "../shared/simulate/summary";
import { checkStreamArgs, STREAM_OPTIONS, STREAM_USAGE } from "./lib/args";
import { commandArgs, instant, parseFlags } from "./lib/cli";
import { NdjsonWriter, readStreamLines, writeNdjson } from "./lib/ndjson";

const args = commandArgs("simulate", `npm run simulate -- ${STREAM_USAGE} [--now <instant>]`, (argv) => {
  const values = checkStreamArgs(parseFlags(argv, { ...STREAM_OPTIONS, now: { type: "string" } }));
  // Written into every payout's computedAt as given, once it is known to be an instant.
  return { ...values, now: values.now === undefined ? undefined : instant(values.now, "now") };
});
const city = readCity(args.city);
let events = 0;
/** Read as it is replayed, so the file's text is never held whole (a province's five years is ~700 MB). */
function* lines() {
  for (const line of readStreamLines(args.events)) {
    events++;
    yield line;
  }
}
const { now } = args;
const clock = now ? () => now : () => new Date().toISOString();

// Written and totalled as they commit, and not kept: the replay holds only the standing state, and nobody
// traces a what-if, so no history items are made (MemoryLedgerOptions).
const out = new NdjsonWriter(args.out);
const tally = new Tally();
const started = performance.now();
const onMessage = (message: Parameters<Tally["add"]>[0]) => {
  out.write(message);
  tally.add(message);
};
const result = simulate(lines(), city, clock, undefined, { history: false, onMessage });
const seconds = (performance.now() - started) / 1000;

out.close();
writeNdjson(args.rejects, result.rejections);
writeNdjson(args["dead-letters"], result.deadLetters);
writeNdjson(args.refused, result.refused);

console.log(
  `${city.file.name} (${city.city})${city.file.illustrative ? " — illustrative parameters" : ""}: ${args.events}`,
);
console.log(formatSummary(tally.summary(result.rejections, result.deadLetters, result.refused)));
console.log(`\n${formatLineStates(await reconcileLedger(result.ledger, city))}`);
for (const warning of storageWarnings(result)) console.log(`\n${warning}`);
console.log(
  `\n${events} events (${result.outcomes.applied} applied, ${result.outcomes.duplicate} duplicates, ` +
    `${result.outcomes.rejected} rejected, ${result.outcomes.deadLetter} dead letters, ` +
    `${result.outcomes.refused} refused by the queue) in ${seconds.toFixed(2)} s ` +
    `= ${Math.round(events / seconds)} events/s → ${args.out}`,
);
