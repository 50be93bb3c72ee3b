import {
  BatchGetItemCommand,
  type ConsumedCapacity,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import type { AnyMessage } from "../contract";
import type { Decision, Item, Writes } from "../decisions/items";
import { decideLoading } from "../decisions/run";
import type { CityPolicy } from "../policy/city";
import { decodeItem } from "./codec";
import { LedgerConflictError, LedgerContentionError, LedgerUnavailableError, unavailable } from "./errors";
import { transactionFor } from "./transaction";

export interface ApplyResult {
  decision: Decision;
  /** Transactions attempted: 1 unless a race was lost and the fact decided again. */
  attempts: number;
  capacity: { readUnits: number; writeUnits: number; transactions: number };
}

export interface LedgerOptions {
  /** Tries before giving up to the queue's redelivery; each lost race re-reads and recomputes. */
  maxAttempts?: number;
}

const BATCH_GET_LIMIT = 100;

/**
 * The ledger on DynamoDB: decides each fact on consistent reads of exactly the items it touches and
 * writes the outcome in one transaction. A lost race (a version moved) re-reads and decides again.
 */
export class DynamoLedger {
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
    const capacity = { readUnits: 0, writeUnits: 0, transactions: 0 };
    let lastConflict: LedgerConflictError | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const decision = await decideLoading(message, { city: this.city, now: now() }, (keys) =>
        this.load(keys, capacity),
      );
      if (decision.outcome !== "applied") return { decision, attempts: attempt, capacity };
      try {
        await this.commit(decision.writes, capacity);
        return { decision, attempts: attempt, capacity };
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

  /** Consistent reads of the keys a decision asks for, a BatchGetItem per 100 keys. */
  async load(keys: readonly string[], capacity = { readUnits: 0 }): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let request: Record<
        string,
        { Keys: { pk: { S: string }; sk: { S: string } }[]; ConsistentRead: true }
      > = {
        [this.table]: {
          Keys: keys
            .slice(i, i + BATCH_GET_LIMIT)
            .map((key) => ({ pk: { S: key }, sk: { S: entityOf(key) } })),
          ConsistentRead: true,
        },
      };
      while (Object.keys(request).length) {
        const response = await this.send(() =>
          this.client.send(
            new BatchGetItemCommand({ RequestItems: request, ReturnConsumedCapacity: "TOTAL" }),
          ),
        );
        capacity.readUnits += sumCapacity(response.ConsumedCapacity);
        for (const av of response.Responses?.[this.table] ?? []) {
          const item = decodeItem(av);
          found.set(item.key, item);
        }
        request = (response.UnprocessedKeys ?? {}) as typeof request;
      }
    }
    return found;
  }

  async commit(writes: Writes, capacity = { writeUnits: 0, transactions: 0 }): Promise<void> {
    capacity.transactions++;
    try {
      const response = await this.client.send(
        new TransactWriteItemsCommand(transactionFor(this.table, writes)),
      );
      capacity.writeUnits += sumCapacity(response.ConsumedCapacity);
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
        const retryable = reasons.every((r) =>
          ["None", "ConditionalCheckFailed", "TransactionConflict"].includes(r),
        );
        if (retryable)
          throw new LedgerConflictError("the transaction lost a race", reasons, { cause: error });
        throw new LedgerUnavailableError(`transaction cancelled: ${reasons.join(", ")}`, { cause: error });
      }
      throw unavailable(error);
    }
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw unavailable(error);
    }
  }
}

/** The `sk` of a key: its entity, the key's first segment. */
function entityOf(key: string): string {
  return key.slice(0, key.indexOf("#"));
}

function sumCapacity(consumed: ConsumedCapacity[] | undefined): number {
  return (consumed ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** Jittered exponential backoff so racing workers spread out instead of colliding again. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(1000, 10 * 2 ** attempt) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
