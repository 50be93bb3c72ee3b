/**
 * Raw DynamoDB Local: TransactWriteItems of exactly the shapes our decisions produced for the sample
 * (built with transactionFor from each applied fact's writes), sent back to back with no parse, no
 * decide and no reads. Each send re-keys its transaction to fresh keys (`pk` + "~<n>") and turns its
 * version conditions into `attribute_not_exists(pk)`, which holds on fresh keys: the same number of
 * actions, the same items and a condition on every action, but no dependency between transactions, so
 * 1 and 4 workers measure the engine, not conflicts. (Every Put is an insert here; on the real path
 * unit and budget Puts replace an existing item.)
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { Writes } from "../shared/decisions/items";
import { transactionFor } from "../shared/ledger/transaction";

const FRESH = "attribute_not_exists(pk)";

export function rawTemplates(applied: readonly Writes[]): TransactWriteItemsCommandInput[] {
  return applied.map((writes) => transactionFor("template", writes));
}

function rekeyAction(action: TransactWriteItem, table: string, suffix: string): TransactWriteItem {
  const fresh = (attributes: Record<string, AttributeValue> = {}) => ({
    ...attributes,
    pk: { S: `${attributes.pk?.S}${suffix}` },
  });
  if (action.Put) {
    return { Put: { TableName: table, Item: fresh(action.Put.Item), ConditionExpression: FRESH } };
  }
  if (action.ConditionCheck) {
    const check = { TableName: table, Key: fresh(action.ConditionCheck.Key), ConditionExpression: FRESH };
    return { ConditionCheck: check };
  }
  throw new Error(`raw: unexpected action ${Object.keys(action).join(",")} in a ledger transaction`);
}

export function rekey(
  template: TransactWriteItemsCommandInput,
  table: string,
  suffix: string,
): TransactWriteItemsCommandInput {
  return {
    ...template,
    TransactItems: (template.TransactItems ?? []).map((action) => rekeyAction(action, table, suffix)),
  };
}

export interface RawResult {
  workers: number;
  seconds: number;
  transactions: number;
  actions: number;
  errors: Record<string, number>;
  transactionsPerSecond: number;
}

export async function measureRaw(options: {
  client: DynamoDBClient;
  table: string;
  templates: readonly TransactWriteItemsCommandInput[];
  workers: number;
  minSeconds: number;
}): Promise<RawResult> {
  const { client, table, templates } = options;
  if (templates.length === 0) throw new Error("raw: no transactions to replay");
  let next = 0;
  let transactions = 0;
  let actions = 0;
  const errors: Record<string, number> = {};
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  // Whole passes over the templates, so the mix of sizes is the sample's.
  const worker = async () => {
    for (;;) {
      if (next % templates.length === 0 && elapsed() >= options.minSeconds) return;
      const n = next++;
      const template = templates[n % templates.length] as TransactWriteItemsCommandInput;
      try {
        await client.send(new TransactWriteItemsCommand(rekey(template, table, `~${n}`)));
        transactions++;
        actions += template.TransactItems?.length ?? 0;
      } catch (error) {
        const name = (error as Error)?.name ?? "Error";
        errors[name] = (errors[name] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  const seconds = elapsed();
  return {
    workers: options.workers,
    seconds,
    transactions,
    actions,
    errors,
    transactionsPerSecond: transactions / seconds,
  };
}

/** Several measurements of one figure as one: counts and seconds added, the rate recomputed. */
export function combineRaw(results: readonly RawResult[]): RawResult {
  const errors: Record<string, number> = {};
  for (const r of results) {
    for (const [name, count] of Object.entries(r.errors)) errors[name] = (errors[name] ?? 0) + count;
  }
  const seconds = results.reduce((total, r) => total + r.seconds, 0);
  const transactions = results.reduce((total, r) => total + r.transactions, 0);
  return {
    workers: results[0]?.workers ?? 0,
    seconds,
    transactions,
    actions: results.reduce((total, r) => total + r.actions, 0),
    errors,
    transactionsPerSecond: transactions / seconds,
  };
}
