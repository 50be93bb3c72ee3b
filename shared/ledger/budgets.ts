import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { allocateBudget } from "../decisions/budget";
import { type BudgetItem, keys } from "../decisions/items";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import type { Fen } from "../money";
import type { CityPolicy } from "../policy/city";
import { decodeItem, encodeItem, encodeRelease, INDEXES } from "./codec";
import { LedgerConflictError, LedgerUnavailableError } from "./errors";

/** Releases per transaction: each is two actions (the payout's status, the release item) besides the budget. */
const RELEASES_PER_TRANSACTION = 49;

/**
 * The budget admin operation: add to a program's budget for a period, then release held payouts oldest
 * first while they fit. Each transaction moves the budget (version-conditioned), marks payouts payable
 * (conditioned on still being held) and writes release items — the stream relays them to finance.
 */
export async function allocate(
  client: DynamoDBClient,
  table: string,
  city: CityPolicy,
  request: { policyVersion: string; programId: string; period: number; addedFen: Fen; now: string },
): Promise<{ budget: BudgetItem; releases: ReleaseMessage[] }> {
  const { policyVersion, programId, period } = request;
  const program = city.program(policyVersion, programId);
  if (!program) throw new RangeError(`${city.city} has no program ${programId} in ${policyVersion}`);
  const key = keys.budget(policyVersion, programId, period);
  const stored = await client.send(
    new GetItemCommand({
      TableName: table,
      Key: { pk: { S: key }, sk: { S: "budget" } },
      ConsistentRead: true,
    }),
  );
  const before: BudgetItem = stored.Item
    ? (decodeItem(stored.Item) as BudgetItem)
    : {
        entity: "budget",
        key,
        policyVersion,
        programId,
        period,
        allocatedFen: program.budgetsYuan?.[String(period)] ?? 0n,
        committedFen: 0n,
        heldFen: 0n,
        version: 0,
      };
  const held = await heldOldestFirst(client, table, request);
  const { budget, releases } = allocateBudget(before, request.addedFen, held, request.now);
  const released = new Map(held.map((p) => [p.payoutId, p]));

  let current = before;
  for (let i = 0; i === 0 || i < releases.length; i += RELEASES_PER_TRANSACTION) {
    const chunk = releases.slice(i, i + RELEASES_PER_TRANSACTION);
    const movedFen = chunk.reduce((sum, r) => sum + BigInt(released.get(r.payoutId)?.amountFen ?? 0), 0n);
    const next: BudgetItem = {
      ...current,
      allocatedFen: budget.item.allocatedFen,
      committedFen: current.committedFen + movedFen,
      heldFen: current.heldFen - movedFen,
      version: current.version + 1,
    };
    await send(client, [
      {
        Put: {
          TableName: table,
          Item: encodeItem(next),
          ...(stored.Item || i > 0
            ? {
                ConditionExpression: "#version = :version",
                ExpressionAttributeNames: { "#version": "version" },
                ExpressionAttributeValues: { ":version": { N: String(current.version) } },
              }
            : { ConditionExpression: "attribute_not_exists(pk)" }),
        },
      },
      ...chunk.flatMap((release): TransactWriteItem[] => [
        {
          Update: {
            TableName: table,
            Key: { pk: { S: `payout#${release.payoutId}` }, sk: { S: "payout" } },
            UpdateExpression: "SET #status = :payable, gsi1pk = :gsi1pk, releasedAt = :at",
            ConditionExpression: "#status = :held",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":payable": { S: "payable" },
              ":held": { S: "awaiting-budget" },
              ":gsi1pk": { S: `${period}#payable` },
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
      ]),
    ]);
    current = next;
  }
  return { budget: current, releases };
}

async function heldOldestFirst(
  client: DynamoDBClient,
  table: string,
  request: { policyVersion: string; programId: string; period: number },
): Promise<PayoutMessage[]> {
  const held: PayoutMessage[] = [];
  let start: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEXES.byPeriodStatus.name,
        KeyConditionExpression: "gsi1pk = :pk AND begins_with(gsi1sk, :program)",
        ExpressionAttributeValues: {
          ":pk": { S: `${request.period}#awaiting-budget` },
          ":program": { S: `${request.programId}#` },
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const message = JSON.parse(item.message?.S ?? "{}") as PayoutMessage;
      if (message.policyVersion === request.policyVersion) held.push(message);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return held;
}

async function send(client: DynamoDBClient, items: TransactWriteItem[]): Promise<void> {
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
      throw new LedgerConflictError("the budget moved while allocating: run the allocation again", reasons, {
        cause: error,
      });
    }
    throw new LedgerUnavailableError(`DynamoDB: ${(error as Error).message}`, { cause: error });
  }
}
