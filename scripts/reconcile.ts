/**
 * npm run reconcile -- --city <id> (--events <in.ndjson> | --table <ledger table>) [--now <instant>]
 * For every unit (beneficiary, program, period): the entitlement (Σ payout and clawback items) against the
 * money side (its lines by state, receivables, recoveries, netting) — payments.md § Reconciliation. Prints the
 * lines by state and every unit that does not balance; exits 1 if any does. `--events` replays a stream in
 * memory; `--table` reads a stored ledger (operator credentials, or AWS_ENDPOINT_URL_DYNAMODB locally) by
 * strongly consistent partition queries.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type ReconcileSource, reconcileLedger } from "../shared/decisions/lifecycle/reconcile";
import { DynamoLedger } from "../shared/ledger/dynamo-ledger";
import { readCity } from "../shared/policy/files";
import { simulate } from "../shared/simulate/simulate";
import { formatLineStates } from "../shared/simulate/summary";
import { cityId, commandArgs, existingFile, instant, parseFlags, required } from "./lib/cli";
import { UsageError } from "./lib/errors";
import { readStream } from "./lib/ndjson";

const USAGE =
  "npm run reconcile -- --city <id> (--events <in.ndjson> | --table <ledger table>) [--now <instant>]";

const args = commandArgs("reconcile", USAGE, (argv) => {
  const values = parseFlags(argv, {
    city: { type: "string" },
    events: { type: "string" },
    table: { type: "string" },
    now: { type: "string" },
  });
  const now = values.now === undefined ? undefined : instant(values.now, "now");
  const city = cityId(required("city", values.city));
  if ((values.events === undefined) === (values.table === undefined)) {
    throw new UsageError("give exactly one of --events (a stream to replay) and --table (a stored ledger)");
  }
  const events = values.events === undefined ? undefined : existingFile(values.events, "events");
  return { city, events, table: values.table, now };
});
const city = readCity(args.city);
const now = args.now;
const source: ReconcileSource = args.events
  ? simulate(readStream(args.events), city, now ? () => now : () => new Date().toISOString()).ledger
  : new DynamoLedger(new DynamoDBClient({}), args.table ?? "", city);
const reconciliation = await reconcileLedger(source, city);
console.log(`${city.file.name} (${city.city}): ${args.events ?? `table ${args.table}`}`);
console.log(formatLineStates(reconciliation));
process.exitCode = reconciliation.unbalanced.length ? 1 : 0;
