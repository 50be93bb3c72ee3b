/**
 * Budget admin: add to a program's budget for a period and release held payouts oldest first.
 *   npx tsx scripts/allocate-budget.ts --city chongqing --table <ledger table> --program carrier-hte-bonus \
 *     --period 2018 --add 100000.00 [--version chongqing-2017]
 * Uses the operator's AWS credentials and region (or AWS_ENDPOINT_URL_DYNAMODB for the local stack).
 * Each release reaches finance as a `release` message through the table stream and the relay.
 */
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { allocate } from "../shared/ledger/budgets";
import { fenToYuan, yuanToFen } from "../shared/money";
import { readCity } from "../shared/policy/files";

const { values } = parseArgs({
  options: {
    city: { type: "string" },
    table: { type: "string" },
    program: { type: "string" },
    period: { type: "string" },
    add: { type: "string" },
    version: { type: "string" },
  },
});
const { city: cityId, table, program, period, add } = values;
if (!cityId || !table || !program || !period || !add) {
  console.error(
    "usage: allocate-budget --city <id> --table <name> --program <id> --period <year> --add <yuan> [--version <id>]",
  );
  process.exit(2);
}
const addedFen = yuanToFen(add);
if (addedFen === undefined || addedFen <= 0n) {
  console.error(`--add ${add}: must be a positive yuan amount like "100000.00"`);
  process.exit(2);
}
const city = readCity(cityId);
const policyVersion = values.version ?? city.versionFor(Number(period))?.id;
if (!policyVersion) {
  console.error(`${cityId} has no policy version in force in ${period}`);
  process.exit(2);
}
const { budget, releases } = await allocate(new DynamoDBClient({}), table, city, {
  policyVersion,
  programId: program,
  period: Number(period),
  addedFen,
  now: new Date().toISOString(),
});
console.log(
  `${program} ${period}: allocated ${fenToYuan(budget.allocatedFen)}, committed ${fenToYuan(budget.committedFen)}, ` +
    `still held ${fenToYuan(budget.heldFen)}; released ${releases.length} payout(s): ${releases.map((r) => r.payoutId).join(", ") || "none"}`,
);
