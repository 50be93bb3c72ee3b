/**
 * Budget admin: allocate more budget to a program's period, as the fact `budget.allocated`
 * (docs/contract/payments.md § Budget) sent to the city's ingest queue like every other fact. The core
 * commits it and releases held payouts oldest first; each release reaches finance through the relay.
 *   npx tsx scripts/allocate-budget.ts --city chongqing --queue <the workbench channel's ingest queue URL> --program carrier-hte-bonus \
 *     --period 2018 --amount 100000.00 --allocation ALLOC-2018-07 --actor-id wang.fang --actor-name 王芳 \
 *     [--version chongqing-2017] [--funder district]
 * The allocation id is the fact's natural key: sending the same one again allocates nothing more. The actor
 * stands for the approver who signed the allocation; once the workbench is deployed it publishes this fact
 * through the staff channel with the identity its authorizer verified, and this script is for operators.
 * Uses the operator's AWS credentials and region (or AWS_ENDPOINT_URL_SQS for the local stack).
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parseMessage } from "../shared/contract";
import { readCity } from "../shared/policy/files";
import { replayDelivery } from "../shared/policy/publishers";
import { cityId, commandArgs, parseFlags, required, wholeNumber } from "./lib/cli";

const USAGE =
  "allocate-budget --city <id> --queue <the workbench channel's ingest queue URL> --program <id> --period <year> --amount <yuan> " +
  "--allocation <id> --actor-id <login> --actor-name <name> [--version <id>] [--funder <id>]";

const args = commandArgs("allocate-budget", USAGE, (argv) => {
  const values = parseFlags(argv, {
    city: { type: "string" },
    queue: { type: "string" },
    program: { type: "string" },
    period: { type: "string" },
    amount: { type: "string" },
    allocation: { type: "string" },
    "actor-id": { type: "string" },
    "actor-name": { type: "string" },
    version: { type: "string" },
    funder: { type: "string" },
  });
  return {
    city: cityId(required("city", values.city)),
    queue: required("queue", values.queue),
    program: required("program", values.program),
    period: wholeNumber(required("period", values.period), "period", 1),
    amount: required("amount", values.amount),
    allocationId: required("allocation", values.allocation),
    actor: {
      id: required("actor-id", values["actor-id"]),
      name: required("actor-name", values["actor-name"]),
    },
    version: values.version,
    // Only for a period the city file budgets by funder (payments.md § Budget).
    funder: values.funder,
  };
});
const city = readCity(args.city);
const policyVersion = args.version ?? city.versionFor(args.period)?.id;
if (!policyVersion) refuse(`${args.city} has no policy version in force in ${args.period}`);
const body = JSON.stringify({
  specversion: "1.0",
  id: `allocate-${args.allocationId}`,
  source: "staff/workbench",
  type: "budget.allocated",
  time: new Date().toISOString(),
  city: args.city,
  data: {
    allocationId: args.allocationId,
    policyVersion,
    program: args.program,
    period: args.period,
    amount: args.amount,
    ...(args.funder ? { funder: args.funder } : {}),
    actor: { ...args.actor, roles: ["approver"] },
  },
});
// Judged here by the same contract the ingest applies, so a typo is refused before anything is sent.
const delivery = replayDelivery(city, new Date().toISOString());
const parsed = parseMessage(body, { city: args.city, districtIds: city.districtIds }, delivery);
if (!parsed.ok) refuse(`${parsed.rejection.reason}: ${parsed.rejection.detail}`);
const sent = await new SQSClient({}).send(
  new SendMessageCommand({ QueueUrl: args.queue, MessageBody: body }),
);
console.log(
  `budget.allocated ${args.allocationId}: ${args.amount} yuan to ${args.program} ${args.period} (${policyVersion})` +
    `${args.funder ? `, funder ${args.funder}` : ""} ` +
    `sent as message ${sent.MessageId}; held payouts it releases reach finance as release messages`,
);

function refuse(why: string): never {
  console.error(`allocate-budget: ${why}`);
  process.exit(2);
}
