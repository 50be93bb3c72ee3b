import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  QueryCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import type { AnyMessage } from "../contract";
import type { Item, Writes } from "../decisions/items";
import { collections, type ItemCollection, type ItemKey, keyId, LEDGER_TABLE } from "../decisions/keys";
import type { ApplyResult, Ledger } from "../decisions/ledger";
import type { ReconcileSource } from "../decisions/lifecycle/reconcile";
import type { PayoutMessage } from "../decisions/payouts";
import { decideLoading, type Loaded } from "../decisions/run";
import { isCollection, type Need, needId } from "../decisions/snapshot";
import type { TraceSource } from "../decisions/trace";
import type { CityPolicy } from "../policy/city";
import type { BeneficiaryKind } from "../policy/parties";
import { decodeItem, decodePayout, keyAttributes, storedKey } from "./codec";
import { LedgerConflictError, LedgerContentionError, ledgerErrorOf } from "./errors";
import { transactionFor } from "./transaction";

export interface LedgerOptions {
  /** Tries before giving up to the queue's redelivery; each lost race re-reads and recomputes. */
  maxAttempts?: number;
}

const BATCH_GET_LIMIT = 100;

/**
 * The ledger on DynamoDB: decides each fact on consistent reads of exactly the items it touches and
 * writes the outcome in one transaction. A lost race (a version moved) re-reads and decides again.
 */
export class DynamoLedger implements Ledger, ReconcileSource, TraceSource {
  private readonly maxAttempts: number;

  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
    readonly city: CityPolicy,
    options: LedgerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  async apply(message: AnyMessage, now: () => string): Promise<ApplyResult> {
    let lastConflict: LedgerConflictError | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const decision = await decideLoading(message, { city: this.city, now: now() }, (keys) =>
        this.load(keys),
      );
      if (decision.outcome !== "applied") return { decision, attempts: attempt };
      try {
        await this.commit(decision.writes);
        return { decision, attempts: attempt };
      } catch (error) {
        if (!(error instanceof LedgerConflictError)) throw error;
        lastConflict = error;
        await backoff(attempt);
      }
    }
    throw new LedgerContentionError(
      `${message.type} (${message.source}, ${message.id}) lost ${this.maxAttempts} races in a row`,
      this.maxAttempts,
      { cause: lastConflict },
    );
  }

  /** What a decision asks for: keys by consistent BatchGetItem, collections by consistent Query. */
  async load(needs: readonly Need[]): Promise<Loaded> {
    const keys = needs.filter((need): need is ItemKey => !isCollection(need));
    const loaded: Loaded = { items: await this.getItems(keys), collections: new Map() };
    for (const collection of needs.filter(isCollection)) {
      const members = await this.query(collection);
      for (const item of members) loaded.items.set(keyId(item.key), item);
      loaded.collections.set(
        needId(collection),
        members.map((item) => item.key),
      );
    }
    return loaded;
  }

  /** Every item of a collection, in sort-key order. */
  async query(collection: ItemCollection): Promise<Item[]> {
    return (await this.queryAll(collection)).flatMap((av) => (av.body?.S ? [decodeItem(av)] : []));
  }

  /**
   * A program-period partition for reconciliation: its state items and its payout items, by one strongly
   * consistent base-table Query — never an index, never a scan (payments.md § Reconciliation).
   */
  async partition(period: number, program: string): Promise<(Item | PayoutMessage)[]> {
    return (await this.queryAll(collections.period(period, program))).flatMap(
      (av): (Item | PayoutMessage)[] =>
        av.body?.S ? [decodeItem(av)] : av.entity?.S === "payout" ? [decodePayout(av)] : [],
    );
  }

  /** A strongly consistent base-table Query, every page. */
  private async queryAll(collection: ItemCollection): Promise<Record<string, AttributeValue>[]> {
    const found: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.send("Query", () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            ...keyCondition(collection),
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  /**
   * A page of a beneficiary's history: one strongly consistent Query of its partition's `history#` keys,
   * `limit` items from after `page.after` (workbench.md § Trace) — never an index, never a scan.
   */
  async historyPage(
    beneficiary: { kind: BeneficiaryKind; id: string },
    page: { limit: number; after?: ItemKey },
  ): Promise<{ items: Item[]; next: ItemKey | null }> {
    const response = await this.send("Query", () =>
      this.client.send(
        new QueryCommand({
          TableName: this.table,
          ...keyCondition(collections.history(beneficiary)),
          ConsistentRead: true,
          Limit: page.limit,
          ...(page.after ? { ExclusiveStartKey: keyAttributes(page.after) } : {}),
        }),
      ),
    );
    const last = response.LastEvaluatedKey;
    return { items: (response.Items ?? []).map(decodeItem), next: last ? storedKey(last) : null };
  }

  /** Items by key (consistent), for what reconciliation reads outside a partition. */
  readItems(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    return this.getItems(keys);
  }

  /** Consistent reads of keys, a BatchGetItem per 100 keys; found items by `keyId`. */
  private async getItems(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      type Request = Record<string, { Keys: Record<string, AttributeValue>[]; ConsistentRead: true }>;
      let request: Request = {
        [this.table]: { Keys: keys.slice(i, i + BATCH_GET_LIMIT).map(keyAttributes), ConsistentRead: true },
      };
      while (Object.keys(request).length) {
        const response = await this.send("BatchGetItem", () =>
          this.client.send(new BatchGetItemCommand({ RequestItems: request })),
        );
        for (const av of response.Responses?.[this.table] ?? [])
          found.set(keyId(storedKey(av)), decodeItem(av));
        request = (response.UnprocessedKeys ?? {}) as Request;
      }
    }
    return found;
  }

  async commit(writes: Writes): Promise<void> {
    // Built outside `send`: a transaction too large is no AWS error, and retrying cannot shrink it.
    const transaction = transactionFor(this.table, writes);
    await this.send("TransactWriteItems", () => this.client.send(new TransactWriteItemsCommand(transaction)));
  }

  private async send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw ledgerErrorOf(error, what);
    }
  }
}

/** Jittered exponential backoff so racing workers spread out instead of colliding again. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(1000, 10 * 2 ** attempt) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A collection as a key condition: the partition, then a BETWEEN range or a prefix of the sort key. */
function keyCondition(collection: ItemCollection) {
  const { partitionKey, sortKey } = LEDGER_TABLE;
  const pk = { ":pk": { S: collection.pk } };
  if (collection.skBetween) {
    const [from, to] = collection.skBetween;
    return {
      KeyConditionExpression: `${partitionKey} = :pk AND ${sortKey} BETWEEN :from AND :to`,
      ExpressionAttributeValues: { ...pk, ":from": { S: from }, ":to": { S: to } },
    };
  }
  if (!collection.skPrefix)
    return { KeyConditionExpression: `${partitionKey} = :pk`, ExpressionAttributeValues: pk };
  return {
    KeyConditionExpression: `${partitionKey} = :pk AND begins_with(${sortKey}, :prefix)`,
    ExpressionAttributeValues: { ...pk, ":prefix": { S: collection.skPrefix } },
  };
}
