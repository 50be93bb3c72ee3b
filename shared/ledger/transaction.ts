import type {
  AttributeValue,
  TransactWriteItem,
  TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  MAX_ITEM_BYTES,
  MAX_TRANSACTION_ACTIONS,
  transactionActions,
  type VersionedItem,
  type VersionedPut,
  type Writes,
} from "../decisions/items";
import { type ItemKey, LEDGER_TABLE } from "../decisions/keys";
import { attributeBytes, encodeItem, encodePayout, keyAttributes, storedKey } from "./codec";
import { ItemTooLargeError, TransactionTooLargeError } from "./errors";

/**
 * The one version condition: the item must still be at the version read, or — `null` — must not exist
 * yet. Every conditional write of the ledger (facts, units, budgets, checks, allocations) uses it.
 */
export function versionCondition(expectedVersion: number | null) {
  return expectedVersion === null
    ? { ConditionExpression: `attribute_not_exists(${LEDGER_TABLE.partitionKey})` }
    : {
        ConditionExpression: "#version = :version",
        ExpressionAttributeNames: { "#version": LEDGER_TABLE.version },
        ExpressionAttributeValues: { ":version": { N: String(expectedVersion) } },
      };
}

export function versionedPut(
  table: string,
  { item, expectedVersion }: VersionedPut<VersionedItem>,
): TransactWriteItem {
  return { Put: { TableName: table, Item: encodeItem(item), ...versionCondition(expectedVersion) } };
}

function check(table: string, key: ItemKey, expectedVersion: number | null): TransactWriteItem {
  return {
    ConditionCheck: { TableName: table, Key: keyAttributes(key), ...versionCondition(expectedVersion) },
  };
}

/**
 * The one transaction a fact produces, as a value (built, not sent): the receipt (conditional on
 * absence), every state item it changes — fact, units, budgets, lines, batches — conditional on the
 * version read, checks on what it read, and the outbox: payout items and the lifecycle's message lists.
 * All commit, or nothing does.
 */
export function transactionFor(table: string, writes: Writes): TransactWriteItemsCommandInput {
  const actions = transactionActions(writes);
  if (actions > MAX_TRANSACTION_ACTIONS) throw new TransactionTooLargeError(actions);
  const absent = versionCondition(null);
  const items: TransactWriteItem[] = [
    { Put: { TableName: table, Item: encodeItem(writes.receipt), ...absent } },
    ...writes.puts.map((w) => versionedPut(table, w)),
    ...writes.checks.map((c) => check(table, c.key, c.expectedVersion)),
    ...writes.payouts.map(
      (payout): TransactWriteItem => ({
        Put: { TableName: table, Item: encodePayout(payout), ...absent },
      }),
    ),
    // The lifecycle's message lists (publicity, notices, instructions, receivables, releases): the relay
    // sends each entry from the table's stream, as it sends payouts.
    ...writes.outbox.map(
      (list): TransactWriteItem => ({ Put: { TableName: table, Item: encodeItem(list), ...absent } }),
    ),
    // What the fact did to each beneficiary it touched: written once, never replaced (workbench.md § Trace).
    ...writes.history.map(
      (entry): TransactWriteItem => ({ Put: { TableName: table, Item: encodeItem(entry), ...absent } }),
    ),
  ];
  for (const action of items) if (action.Put) refuseTooLarge(action.Put.Item ?? {});
  return { TransactItems: items, ReturnConsumedCapacity: "TOTAL" };
}

/** DynamoDB would refuse the whole transaction as a validation error; name the item instead. */
function refuseTooLarge(item: Record<string, AttributeValue>): void {
  const bytes = attributeBytes(item);
  if (bytes > MAX_ITEM_BYTES) throw new ItemTooLargeError(item.entity?.S ?? "item", storedKey(item), bytes);
}
