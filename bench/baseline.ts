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
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSRecord } from "aws-lambda";
import { FactWaitingError } from "../functions/ingest/errors";
import { createRejectionPublisher } from "../functions/ingest/rejections";
import { type AnyMessage, parseMessage, type Rejection } from "../shared/contract";
import type { Decision, Item, Writes } from "../shared/decisions/items";
import { type ItemKey, keyId } from "../shared/decisions/keys";
import { decideLoading } from "../shared/decisions/run";
import { isCollection } from "../shared/decisions/snapshot";
import { decodeItem, encodeItem, encodePayout, keyAttributes } from "../shared/ledger/codec";
import type { CityPolicy } from "../shared/policy/city";
import { replayDelivery } from "../shared/policy/publishers";
import type { Delivery } from "./passes";

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

/** Reads and writes the ledger's items without receipts, versions or transactions. */
export class BaselineLedger {
  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
    readonly city: CityPolicy,
  ) {}

  decide(message: AnyMessage, now: string): Promise<Decision> {
    return decideLoading(message, { city: this.city, now }, async (needs) => ({
      items: await this.load(needs.filter((n): n is ItemKey => !isCollection(n))),
      collections: new Map(),
    }));
  }

  /** Consistent reads; receipt keys are answered "absent" without a read (idempotency is Powertools'). */
  async load(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
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
  async write(writes: Writes): Promise<void> {
    const items: Av[] = [...writes.puts.map((w) => encodeItem(w.item)), ...writes.payouts.map(encodePayout)];
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

/** What Powertools hashes: the idempotency key is (source, id), the payload validated is the body hash. */
export interface IdempotencyPayload {
  source: string;
  id: string;
  bodyHash: string;
}

/** Filled in when the wrapped function runs; left empty when Powertools answers from its record. */
export interface ApplyProbe {
  decision?: Decision;
}

export type BaselineApply = (
  payload: IdempotencyPayload,
  message: AnyMessage,
  probe: ApplyProbe,
) => Promise<{ outcome: string; payouts: number }>;

export function idempotencyPersistence(client: DynamoDBClient, tableName: string) {
  return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
}

/**
 * decide → write, made idempotent. A waiting fact throws, so Powertools deletes its in-progress record
 * and the redelivery runs it again; an applied or rejected decision is stored as the record's result.
 */
export function createBaselineApply(options: {
  ledger: BaselineLedger;
  persistenceStore: DynamoDBPersistenceLayer;
  /** Distinguishes rounds of the same sample (same ids) on one idempotency table. */
  keyPrefix: string;
  clock: () => string;
  /** The ingest function's timeout: Powertools sets the in-progress expiry from the time left. */
  timeoutSeconds: number;
}): BaselineApply {
  const { ledger, clock } = options;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "[source, id]",
    payloadValidationJmesPath: "bodyHash",
  });
  // As in Lambda, where the handler registers each invocation's context (only the time left is read).
  config.registerLambdaContext({
    getRemainingTimeInMillis: () => options.timeoutSeconds * 1000,
  } as unknown as Context);
  const applyOnce = async (_payload: IdempotencyPayload, message: AnyMessage, probe: ApplyProbe) => {
    const decision = await ledger.decide(message, clock());
    probe.decision = decision;
    if (decision.outcome === "waiting") throw new FactWaitingError(decision.detail);
    if (decision.outcome === "applied") await ledger.write(decision.writes);
    return {
      outcome: decision.outcome,
      payouts: decision.outcome === "applied" ? decision.writes.payouts.length : 0,
    };
  };
  return makeIdempotent(applyOnce, {
    persistenceStore: options.persistenceStore,
    config,
    keyPrefix: options.keyPrefix,
    dataIndexArgument: 0,
  });
}

export const payloadOf = (message: AnyMessage): IdempotencyPayload => ({
  source: message.source,
  id: message.id,
  bodyHash: message.bodyHash,
});

/** A body that Powertools saw before under the same (source, id) with a different hash. */
export function isIdempotencyValidationError(error: unknown): boolean {
  return (error as Error)?.name === "IdempotencyValidationError";
}

/**
 * The baseline's SQS record handler, shaped like functions/ingest/ingest.ts's createRecordHandler (same
 * parse, same rejected queue, same logging and metrics calls) so the two throughput figures compare
 * the data path only.
 */
export function createBaselineRecordHandler(deps: {
  apply: BaselineApply;
  city: CityPolicy;
  sqs: SQSClient;
  rejectedQueueUrl: string;
  logger: Logger;
  metrics: Metrics;
  clock: () => string;
}) {
  const { apply, logger, metrics, clock } = deps;
  const context = { city: deps.city.city, districtIds: deps.city.districtIds };

  const publish = createRejectionPublisher({ ...deps, clock });
  const reject = (rejection: Rejection) => publish(rejection, deps.rejectedQueueUrl);

  return async (record: SQSRecord): Promise<void> => {
    const parsed = parseMessage(record.body, context, replayDelivery(deps.city, record.body, clock()));
    if (!parsed.ok) return reject(parsed.rejection);
    const { message } = parsed;
    logger.appendKeys({ messageId: message.id, source: message.source, type: message.type });
    try {
      const probe: ApplyProbe = {};
      try {
        await apply(payloadOf(message), message, probe);
      } catch (error) {
        if (!isIdempotencyValidationError(error)) throw error;
        const ref = { source: message.source, id: message.id, type: message.type };
        const detail = `id: (${message.source}, ${message.id}) was already accepted with a different body`;
        return await reject({ ...ref, reason: "conflicting-duplicate", detail });
      }
      const decision = probe.decision;
      if (!decision) {
        metrics.addMetric("Duplicates", MetricUnit.Count, 1);
        logger.info("duplicate");
        return;
      }
      if (decision.outcome === "rejected") return await reject(decision.rejection);
      if (decision.outcome === "applied") {
        const payouts = decision.writes.payouts;
        metrics.addMetric("FactsApplied", MetricUnit.Count, 1);
        metrics.addMetric("Payouts", MetricUnit.Count, payouts.filter((p) => p.kind === "payout").length);
        metrics.addMetric("Clawbacks", MetricUnit.Count, payouts.filter((p) => p.kind === "clawback").length);
        logger.info("applied", { reason: decision.reason, payoutIds: payouts.map((p) => p.payoutId) });
      }
    } finally {
      logger.removeKeys(["messageId", "source", "type"]);
    }
  };
}

/** Baseline: the Powertools-wrapped decide → write. */
export function baselineDelivery(apply: BaselineApply) {
  return async (message: AnyMessage): Promise<Delivery> => {
    const probe: ApplyProbe = {};
    try {
      await apply(payloadOf(message), message, probe);
    } catch (error) {
      if (isIdempotencyValidationError(error)) return { outcome: "rejected" };
      if (error instanceof FactWaitingError && probe.decision?.outcome === "waiting") {
        return { outcome: "waiting", waitingFor: keyId(probe.decision.waitingFor) };
      }
      throw error;
    }
    const decision = probe.decision;
    if (!decision) return { outcome: "duplicate" };
    if (decision.outcome === "applied") return { outcome: "applied", writes: decision.writes };
    if (decision.outcome === "waiting") return { outcome: "waiting", waitingFor: keyId(decision.waitingFor) };
    return { outcome: decision.outcome };
  };
}
