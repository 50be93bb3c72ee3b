import type { TransactWriteItem, TransactWriteItemsCommandInput } from "@aws-sdk/client-dynamodb";
import type { Item, VersionedPut, Writes } from "../decisions/items";
import { encodeItem, encodePayout } from "./codec";

/** DynamoDB's limit of actions in one transaction; the largest fact uses far fewer (see README). */
export const MAX_TRANSACTION_ITEMS = 100;

const ABSENT = "attribute_not_exists(pk)";

function condition(expectedVersion: number | null) {
  return expectedVersion === null
    ? { ConditionExpression: ABSENT }
    : {
        ConditionExpression: "#version = :version",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":version": { N: String(expectedVersion) } },
      };
}

function put(
  table: string,
  { item, expectedVersion }: VersionedPut<Item & { version: number }>,
): TransactWriteItem {
  return { Put: { TableName: table, Item: encodeItem(item), ...condition(expectedVersion) } };
}

/**
 * The one transaction a fact produces, as a value (built, not sent): the receipt (conditional on
 * absence), the fact and every unit and budget it changes (conditional on the version read), checks on
 * what it read, and the payout items — the outbox. All commit, or nothing does.
 */
export function transactionFor(table: string, writes: Writes): TransactWriteItemsCommandInput {
  const items: TransactWriteItem[] = [
    { Put: { TableName: table, Item: encodeItem(writes.receipt), ConditionExpression: ABSENT } },
    ...writes.facts.map((w) => put(table, w)),
    ...writes.units.map((w) => put(table, w)),
    ...writes.budgets.map((w) => put(table, w)),
    ...writes.checks.map(
      (check): TransactWriteItem => ({
        ConditionCheck: {
          TableName: table,
          Key: { pk: { S: check.key }, sk: { S: "fact" } },
          ...condition(check.expectedVersion),
        },
      }),
    ),
    ...writes.payouts.map(
      (payout): TransactWriteItem => ({
        Put: { TableName: table, Item: encodePayout(payout), ConditionExpression: ABSENT },
      }),
    ),
  ];
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new RangeError(
      `a fact touching ${items.length} items exceeds DynamoDB's ${MAX_TRANSACTION_ITEMS}-action limit`,
    );
  }
  return { TransactItems: items, ReturnConsumedCapacity: "TOTAL" };
}
