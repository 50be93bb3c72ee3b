import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { InvalidMessageContents, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { sqsJson, sqsRefusal } from "../../shared/contract";
import type { ItemKey } from "../../shared/decisions/keys";
import { type Delivery, type OutboxQueue, outboxKeyOf } from "../../shared/ledger/codec";
import { LedgerCorruptItemError } from "../../shared/ledger/errors";
import { OutboxUnsendableError } from "./errors";

/** What the relay reads the outbox through (shared/ledger/outbox.ts on DynamoDB). */
export interface Outbox {
  read(key: ItemKey): Promise<Delivery[] | undefined>;
}

export interface RelayDependencies {
  sqs: SQSClient;
  /** Each outbound queue by name: payouts (finance), publicity, notices, instructions, receivables. */
  queueUrls: Record<OutboxQueue, string>;
  outbox: Outbox;
  logger: Logger;
  metrics: Metrics;
}

/**
 * One stream record: the outbox item at the record's key becomes its messages — a payout or release one
 * message on the payouts FIFO queue; a lifecycle list one message per entry on its kind's queue. What is
 * sent is what the table holds (a consistent GetItem), never the record's NewImage, which whoever invokes
 * the function writes. Each message's deduplication id is its own stable id, so a redelivered record
 * sends nothing new. A transient failure throws (the stream retries the record); a message no retry
 * could send is logged and counted, and the record is acknowledged (errors.ts).
 */
export function createRelayHandler(deps: RelayDependencies) {
  const { logger } = deps;
  return async (record: DynamoDBRecord): Promise<void> => {
    if (record.eventName !== "INSERT") return;
    const keys = record.dynamodb?.Keys as Record<string, AttributeValue> | undefined;
    const key = outboxKeyOf(keys);
    if (!key) {
      logger.warn("stream record does not name an outbox item: nothing sent", { keys });
      return;
    }
    try {
      const deliveries = await read(deps.outbox, key);
      if (!deliveries) {
        logger.warn("no outbox item at the record's key: nothing sent", { key: `${key.pk} ${key.sk}` });
        return;
      }
      for (const delivery of deliveries) await send(deps, delivery);
    } catch (error) {
      if (!(error instanceof OutboxUnsendableError)) throw error;
      logger.error("outbox message cannot be sent: it stays in the table", {
        key: `${key.pk} ${key.sk}`,
        error,
      });
      deps.metrics.addMetric("OutboxUnsendable", MetricUnit.Count, 1);
    }
  };
}

async function read(outbox: Outbox, key: ItemKey): Promise<Delivery[] | undefined> {
  try {
    return await outbox.read(key);
  } catch (error) {
    if (error instanceof LedgerCorruptItemError)
      throw new OutboxUnsendableError(error.message, { cause: error });
    throw error;
  }
}

async function send(deps: RelayDependencies, delivery: Delivery): Promise<void> {
  const body = sqsJson(delivery.message);
  const refused = sqsRefusal(body);
  if (refused)
    throw new OutboxUnsendableError(`the ${delivery.queue} queue would refuse it: ${refused.detail}`);
  try {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.queueUrls[delivery.queue],
        MessageBody: body,
        MessageGroupId: delivery.groupId,
        MessageDeduplicationId: delivery.dedupeId,
      }),
    );
  } catch (error) {
    if (error instanceof InvalidMessageContents) {
      throw new OutboxUnsendableError(`SQS refused it: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
