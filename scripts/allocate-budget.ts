/**
 * Budget admin: add to a program's budget for a period and release held payouts oldest first.
 *   npx tsx scripts/allocate-budget.ts --city chongqing --table <ledger table> --program carrier-hte-bonus \
 *     --period 2018 --add 100000.00 [--version chongqing-2017]
 * Uses the operator's AWS credentials and region (or AWS_ENDPOINT_URL_DYNAMODB for the local stack).
 * Each release reaches finance as a `release` message through the table stream and the relay.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { allocate } from "../shared/ledger/budgets";
import { fenToYuan, yuanToFen } from "../shared/money";
import { readCity } from "../shared/policy/files";
import { cityId, commandArgs, parseFlags, required, wholeNumber } from "./lib/cli";
import { UsageError } from "./lib/errors";

const USAGE =
  "allocate-budget --city <id> --table <name> --program <id> --period <year> --add <yuan> [--version <id>]";

const args = commandArgs("allocate-budget", USAGE, (argv) => {
  const values = parseFlags(argv, {
    city: { type: "string" },
    table: { type: "string" },
    program: { type: "string" },
    period: { type: "string" },
    add: { type: "string" },
    version: { type: "string" },
  });
  const city = cityId(required("city", values.city));
  const table = required("table", values.table);
  const program = required("program", values.program);
  const period = wholeNumber(required("period", values.period), "period", 1);
  const add = required("add", values.add);
  const addedFen = yuanToFen(add);
  if (addedFen === undefined || addedFen <= 0n) {
    throw new UsageError(`--add ${JSON.stringify(add)} must be a positive yuan amount like "100000.00"`);
  }
  return { city, table, program, period, addedFen, version: values.version };
});
const { table, program, period, addedFen } = args;
const city = readCity(args.city);
const policyVersion = args.version ?? city.versionFor(period)?.id;
if (!policyVersion) {
  console.error(`allocate-budget: ${args.city} has no policy version in force in ${period}`);
  process.exit(2);
}
const { budget, releases } = await allocate(new DynamoDBClient({}), table, city, {
  policyVersion,
  programId: program,
  period,
  addedFen,
  now: new Date().toISOString(),
});
console.log(
  `${program} ${period}: allocated ${fenToYuan(budget.allocatedFen)}, committed ${fenToYuan(budget.committedFen)}, ` +
    `still held ${fenToYuan(budget.heldFen)}; released ${releases.length} payout(s): ${releases.map((r) => r.payoutId).join(", ") || "none"}`,
);
