import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { parseMessage, type Rejection } from "../../shared/contract";
import type { Ledger } from "../../shared/decisions/ledger";
import { type SenderChannel, senderChannels, sentAt } from "./channels";
import { FactWaitingError } from "./errors";
import { createRejectionPublisher } from "./rejections";

export interface IngestDependencies {
  /** Any ledger behind the port: DynamoDB in the function, memory in unit tests, the bench's baseline. */
  ledger: Ledger;
  sqs: SQSClient;
  /** The city's own rejected queue: for a record from no publisher's queue (operators read it). */
  rejectedQueueUrl: string;
  /** The publisher a record's queue belongs to (channels.ts); default: from the ledger's city file. */
  channelOf?: (eventSourceArn: string) => SenderChannel | undefined;
  logger: Logger;
  metrics: Metrics;
  clock?: () => string;
}

/**
 * One SQS record: parse with the contract as sent by the publisher whose queue it came through, apply
 * through the ledger. A permanent rejection is published to that publisher's rejected queue and
 * acknowledged; a waiting fact throws so that only it comes back.
 */
export function createRecordHandler(deps: IngestDependencies) {
  const { ledger, logger, metrics } = deps;
  const clock = deps.clock ?? (() => new Date().toISOString());
  const context = { city: ledger.city.city, districtIds: ledger.city.districtIds };

  const publish = createRejectionPublisher({ ...deps, clock });
  const channelOf = deps.channelOf ?? senderChannels(ledger.city, deps.rejectedQueueUrl);

  return async (record: SQSRecord): Promise<void> => {
    const channel = channelOf(record.eventSourceARN);
    const reject = (rejection: Rejection) =>
      publish(rejection, channel?.rejectedQueueUrl ?? deps.rejectedQueueUrl);
    // The queue names the sender, whatever source the message claims.
    const sender = channel?.publisher ?? null;
    const delivery = { senderFor: () => sender, receivedAt: sentAt(record.attributes) };
    const parsed = parseMessage(record.body, context, delivery);
    if (!parsed.ok) return reject(parsed.rejection);
    const { message } = parsed;
    logger.appendKeys({ messageId: message.id, source: message.source, type: message.type });
    try {
      const { decision, attempts } = await ledger.apply(message, clock);
      if (attempts > 1) metrics.addMetric("RetriedConflicts", MetricUnit.Count, attempts - 1);
      switch (decision.outcome) {
        case "rejected":
          return await reject(decision.rejection);
        case "waiting":
          metrics.addMetric("FactsWaiting", MetricUnit.Count, 1);
          throw new FactWaitingError(decision.detail);
        case "duplicate":
          metrics.addMetric("Duplicates", MetricUnit.Count, 1);
          logger.info("duplicate");
          return;
        case "applied": {
          const payouts = decision.writes.payouts;
          metrics.addMetric("FactsApplied", MetricUnit.Count, 1);
          metrics.addMetric("Payouts", MetricUnit.Count, payouts.filter((p) => p.kind === "payout").length);
          metrics.addMetric(
            "Clawbacks",
            MetricUnit.Count,
            payouts.filter((p) => p.kind === "clawback").length,
          );
          logger.info("applied", { reason: decision.reason, payoutIds: payouts.map((p) => p.payoutId) });
          return;
        }
      }
    } finally {
      logger.removeKeys(["messageId", "source", "type"]);
    }
  };
}
