import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { sqsJson } from "../../shared/contract";
import { outboxMessage } from "../../shared/ledger/codec";

export interface RelayDependencies {
  sqs: SQSClient;
  payoutsQueueUrl: string;
}

/**
 * One stream record: a new payout or release item becomes one message on the payouts FIFO queue.
 * Dedupe id = payoutId (releaseId), group = beneficiary, so a redelivered stream record sends nothing new.
 */
export function createRelayHandler(deps: RelayDependencies) {
  return async (record: DynamoDBRecord): Promise<void> => {
    if (record.eventName !== "INSERT") return;
    const message = outboxMessage((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
    if (!message) return;
    const dedupeId = message.kind === "release" ? message.releaseId : message.payoutId;
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.payoutsQueueUrl,
        MessageBody: sqsJson(message),
        MessageGroupId: `${message.beneficiary.kind}#${message.beneficiary.id}`,
        MessageDeduplicationId: dedupeId,
      }),
    );
  };
}
