import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { InvalidMessageContents, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { sqsJson, sqsRefusal } from "../../shared/contract";
import { type OutboxKey, type OutboxMessage, outboxKeyOf } from "../../shared/ledger/codec";
import { LedgerCorruptItemError } from "../../shared/ledger/errors";
import type { OutboxReader } from "../../shared/ledger/outbox";
import { OutboxUnsendableError } from "./errors";

export interface RelayDependencies {
  sqs: SQSClient;
  payoutsQueueUrl: string;
  outbox: OutboxReader;
  logger: Logger;
  metrics: Metrics;
}

/**
 * One stream record: the payout or release item at the record's key becomes one message on the payouts
 * FIFO queue. What is sent is what the table holds (a consistent GetItem), never the record's NewImage,
 * which whoever invokes the function writes. Dedupe id = payoutId (releaseId), group = beneficiary, so a
 * redelivered record sends nothing new. A transient failure throws (the stream retries the record); a
 * message no retry could send is logged and counted, and the record is acknowledged (errors.ts).
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
      const message = await read(deps.outbox, key);
      if (!message) {
        logger.warn("no outbox item at the record's key: nothing sent", { key: key.pk });
        return;
      }
      await send(deps, message);
    } catch (error) {
      if (!(error instanceof OutboxUnsendableError)) throw error;
      logger.error("outbox message cannot be sent: it stays in the table", { key: key.pk, error });
      deps.metrics.addMetric("OutboxUnsendable", MetricUnit.Count, 1);
    }
  };
}

async function read(outbox: OutboxReader, key: OutboxKey): Promise<OutboxMessage | undefined> {
  try {
    return await outbox.read(key);
  } catch (error) {
    if (error instanceof LedgerCorruptItemError)
      throw new OutboxUnsendableError(error.message, { cause: error });
    throw error;
  }
}

async function send(deps: RelayDependencies, message: OutboxMessage): Promise<void> {
  const body = sqsJson(message);
  const refused = sqsRefusal(body);
  if (refused) throw new OutboxUnsendableError(`the payouts queue would refuse it: ${refused.detail}`);
  try {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.payoutsQueueUrl,
        MessageBody: body,
        MessageGroupId: `${message.beneficiary.kind}#${message.beneficiary.id}`,
        MessageDeduplicationId: message.kind === "release" ? message.releaseId : message.payoutId,
      }),
    );
  } catch (error) {
    if (error instanceof InvalidMessageContents) {
      throw new OutboxUnsendableError(`SQS refused it: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
