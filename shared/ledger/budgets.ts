import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { allocateBudget, nextBudget, openBudget } from "../decisions/budget";
import type { BudgetItem } from "../decisions/items";
import { keys, LEDGER_TABLE, periodStatusKey } from "../decisions/keys";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import type { Fen } from "../money";
import type { CityPolicy } from "../policy/city";
import { decodeItem, encodeRelease, keyAttributes } from "./codec";
import { ledgerErrorOf } from "./errors";
import { versionedPut } from "./transaction";

/** Releases per transaction: each is two actions (the payout's status, the release item) besides the budget. */
const RELEASES_PER_TRANSACTION = 49;

type Request = { policyVersion: string; programId: string; period: number; addedFen: Fen; now: string };

/**
 * The budget admin operation: add to a program's budget for a period, then release held payouts oldest
 * first while they fit. Each transaction moves the budget (version-conditioned), marks payouts payable
 * (conditioned on still being held) and writes release items — the stream relays them to finance.
 */
export async function allocate(
  client: DynamoDBClient,
  table: string,
  city: CityPolicy,
  request: Request,
): Promise<{ budget: BudgetItem; releases: ReleaseMessage[] }> {
  const { policyVersion, programId, period } = request;
  const program = city.program(policyVersion, programId);
  if (!program) throw new RangeError(`${city.city} has no program ${programId} in ${policyVersion}`);
  const key = keys.budget(policyVersion, programId, period);
  const stored = await send("GetItem", () =>
    client.send(new GetItemCommand({ TableName: table, Key: keyAttributes(key), ConsistentRead: true })),
  );
  const before = stored.Item ? (decodeItem(stored.Item) as BudgetItem) : null;
  const allocatedFen = program.budgetsFen?.[String(period)] ?? 0n;
  const opened = openBudget(before, { policyVersion, programId, period, allocatedFen });
  const held = await heldOldestFirst(client, table, request);
  const { budget, releases } = allocateBudget(opened, before !== null, request.addedFen, held, request.now);
  const amounts = new Map(held.map((p) => [p.payoutId, BigInt(p.amountFen)]));

  let current = opened;
  let existed = before !== null;
  for (let i = 0; i === 0 || i < releases.length; i += RELEASES_PER_TRANSACTION) {
    const chunk = releases.slice(i, i + RELEASES_PER_TRANSACTION);
    const movedFen = chunk.reduce((sum, r) => sum + (amounts.get(r.payoutId) ?? 0n), 0n);
    const put = nextBudget(
      {
        ...current,
        allocatedFen: budget.item.allocatedFen,
        committedFen: current.committedFen + movedFen,
        heldFen: current.heldFen - movedFen,
      },
      existed,
    );
    await transact(client, [
      versionedPut(table, put),
      ...chunk.flatMap((r) => releaseActions(table, r, request)),
    ]);
    current = put.item;
    existed = true;
  }
  return { budget: current, releases };
}

/** A held payout made payable (conditioned on still being held) and its release item, for the outbox. */
function releaseActions(table: string, release: ReleaseMessage, request: Request): TransactWriteItem[] {
  const { byPeriodStatus } = LEDGER_TABLE.indexes;
  return [
    {
      Update: {
        TableName: table,
        Key: keyAttributes(keys.payout(release)),
        UpdateExpression: `SET #status = :payable, ${byPeriodStatus.pk} = :gsi1pk, releasedAt = :at`,
        ConditionExpression: "#status = :held",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":payable": { S: "payable" },
          ":held": { S: "awaiting-budget" },
          ":gsi1pk": { S: periodStatusKey(request.period, "payable") },
          ":at": { S: request.now },
        },
      },
    },
    {
      Put: {
        TableName: table,
        Item: encodeRelease(release),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  ];
}

async function heldOldestFirst(
  client: DynamoDBClient,
  table: string,
  request: Request,
): Promise<PayoutMessage[]> {
  const { byPeriodStatus } = LEDGER_TABLE.indexes;
  const held: PayoutMessage[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await send("Query", () =>
      client.send(
        new QueryCommand({
          TableName: table,
          IndexName: byPeriodStatus.name,
          KeyConditionExpression: `${byPeriodStatus.pk} = :pk AND begins_with(${byPeriodStatus.sk}, :program)`,
          ExpressionAttributeValues: {
            ":pk": { S: periodStatusKey(request.period, "awaiting-budget") },
            ":program": { S: `${request.programId}#` },
          },
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const message = JSON.parse(item.message?.S ?? "{}") as PayoutMessage;
      if (message.policyVersion === request.policyVersion) held.push(message);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return held;
}

async function transact(client: DynamoDBClient, items: TransactWriteItem[]): Promise<void> {
  await send("TransactWriteItems", () =>
    client.send(new TransactWriteItemsCommand({ TransactItems: items })),
  );
}

async function send<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw ledgerErrorOf(error, `budget allocation: ${what}`);
  }
}
