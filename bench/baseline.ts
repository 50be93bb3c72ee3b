/**
 * The baseline the ledger is compared with: the straightforward way to build the same thing. The same
 * decision core and the same items, but no receipt and no transaction: decide on consistent reads, then
 * write the fact, the units, the budgets and the payouts with plain PutItem/BatchWriteItem, the whole
 * apply wrapped in Powertools' idempotency utility (makeIdempotent + DynamoDBPersistenceLayer on its own
 * table), keyed by the message's (source, id) and validated on its body hash.
 *
 * It is cheaper per fact and it is not correct: nothing conditions the writes on what was read, so two
 * workers deciding facts that feed the same unit can both write (a lost update), and a crash between the
 * writes and the idempotency record leaves a half-applied fact that a retry applies again. It exists to
 * price what the receipt-in-the-transaction design costs, not as an alternative.
 */

import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { FactWaitingError } from "../functions/ingest/errors";
import { type AnyMessage, rejectionOf } from "../shared/contract";
import type { Decision, Item, Writes } from "../shared/decisions/items";
import { type ItemKey, keyId } from "../shared/decisions/keys";
import type { ApplyResult, Ledger } from "../shared/decisions/ledger";
import { decideLoading } from "../shared/decisions/run";
import { isCollection } from "../shared/decisions/snapshot";
import { refOf } from "../shared/decisions/writes";
import { decodeItem, encodeItem, encodePayout, keyAttributes } from "../shared/ledger/codec";
import type { CityPolicy } from "../shared/policy/city";

type Av = Record<string, AttributeValue>;

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;

/** The Powertools idempotency table: partition key `id`, as the utility expects by default. */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    }),
  );
}

/** What Powertools hashes: the idempotency key is (source, id), the payload validated is the body hash. */
interface IdempotencyPayload {
  source: string;
  id: string;
  bodyHash: string;
}

/** Filled in when the wrapped function runs; left empty when Powertools answers from its record. */
interface ApplyProbe {
  decision?: Decision;
}

const payloadOf = (message: AnyMessage): IdempotencyPayload => ({
  source: message.source,
  id: message.id,
  bodyHash: message.bodyHash,
});

/** A body that Powertools saw before under the same (source, id) with a different hash. */
const isIdempotencyValidationError = (error: unknown) =>
  (error as Error)?.name === "IdempotencyValidationError";

export function idempotencyPersistence(client: DynamoDBClient, tableName: string) {
  return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
}

export interface BaselineOptions {
  client: DynamoDBClient;
  table: string;
  city: CityPolicy;
  persistenceStore: DynamoDBPersistenceLayer;
  /** Distinguishes rounds of the same sample (same ids) on one idempotency table. */
  keyPrefix: string;
  /** The ingest function's timeout: Powertools sets the in-progress expiry from the time left. */
  timeoutSeconds: number;
}

/**
 * The baseline behind the ledger port, so the bench runs it through ingest's own record handler and the
 * two throughput figures differ in the data path only. decide → write, made idempotent by Powertools: a
 * waiting fact throws inside, so Powertools deletes its in-progress record and the redelivery runs it
 * again; an applied or rejected decision is stored as the record's result. A conflicting body under a
 * known (source, id) comes back as the `conflicting-duplicate` rejection ours decides.
 */
export class BaselineLedger implements Ledger {
  readonly city: CityPolicy;
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly applyOnce: (
    payload: IdempotencyPayload,
    message: AnyMessage,
    now: () => string,
    probe: ApplyProbe,
  ) => Promise<{ outcome: string; payouts: number }>;

  constructor(options: BaselineOptions) {
    this.city = options.city;
    this.client = options.client;
    this.table = options.table;
    const config = new IdempotencyConfig({
      eventKeyJmesPath: "[source, id]",
      payloadValidationJmesPath: "bodyHash",
    });
    // As in Lambda, where the handler registers each invocation's context (only the time left is read).
    config.registerLambdaContext({
      getRemainingTimeInMillis: () => options.timeoutSeconds * 1000,
    } as unknown as Context);
    const run = async (_: IdempotencyPayload, message: AnyMessage, now: () => string, probe: ApplyProbe) => {
      const decision = await this.decide(message, now());
      probe.decision = decision;
      if (decision.outcome === "waiting") throw new FactWaitingError(decision.detail);
      if (decision.outcome === "applied") await this.write(decision.writes);
      const payouts = decision.outcome === "applied" ? decision.writes.payouts.length : 0;
      return { outcome: decision.outcome, payouts };
    };
    this.applyOnce = makeIdempotent(run, {
      persistenceStore: options.persistenceStore,
      config,
      keyPrefix: options.keyPrefix,
      dataIndexArgument: 0,
    });
  }

  async apply(message: AnyMessage, now: () => string): Promise<ApplyResult> {
    const probe: ApplyProbe = {};
    try {
      await this.applyOnce(payloadOf(message), message, now, probe);
    } catch (error) {
      if (isIdempotencyValidationError(error)) {
        const ref = refOf(message);
        const detail = `id: (${message.source}, ${message.id}) was already accepted with a different body`;
        const rejection = rejectionOf(ref, "conflicting-duplicate", detail);
        return { decision: { outcome: "rejected", message: ref, rejection }, attempts: 1 };
      }
      const decision = probe.decision;
      if (error instanceof FactWaitingError && decision?.outcome === "waiting")
        return { decision, attempts: 1 };
      throw error;
    }
    // No decision: Powertools answered from its record, without running decide.
    return { decision: probe.decision ?? { outcome: "duplicate", message: refOf(message) }, attempts: 1 };
  }

  private decide(message: AnyMessage, now: string): Promise<Decision> {
    return decideLoading(message, { city: this.city, now }, async (needs) => ({
      items: await this.load(needs.filter((n): n is ItemKey => !isCollection(n))),
      collections: new Map(),
    }));
  }

  /** Consistent reads; receipt keys are answered "absent" without a read (idempotency is Powertools'). */
  private async load(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const wanted = keys.filter((key) => key.sk !== "receipt");
    for (let i = 0; i < wanted.length; i += BATCH_GET_LIMIT) {
      let request: Record<string, { Keys: Av[]; ConsistentRead: true }> = {
        [this.table]: {
          Keys: wanted.slice(i, i + BATCH_GET_LIMIT).map(keyAttributes),
          ConsistentRead: true,
        },
      };
      while (Object.keys(request).length) {
        const response = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
        for (const av of response.Responses?.[this.table] ?? []) {
          const item = decodeItem(av);
          found.set(keyId(item.key), item);
        }
        request = (response.UnprocessedKeys ?? {}) as typeof request;
      }
    }
    return found;
  }

  /** The fact, units, budgets and payouts, unconditionally: one PutItem, or BatchWriteItems of 25. */
  private async write(writes: Writes): Promise<void> {
    const items: Av[] = [
      ...writes.puts.map((w) => encodeItem(w.item)),
      ...writes.payouts.map(encodePayout),
      ...writes.history.map(encodeItem),
    ];
    if (items.length === 0) return;
    if (items.length === 1) {
      await this.client.send(new PutItemCommand({ TableName: this.table, Item: items[0] }));
      return;
    }
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      let pending: Record<string, WriteRequest[]> = {
        [this.table]: items.slice(i, i + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } })),
      };
      while (Object.keys(pending).length) {
        const response = await this.client.send(new BatchWriteItemCommand({ RequestItems: pending }));
        pending = response.UnprocessedItems ?? {};
      }
    }
  }
}
