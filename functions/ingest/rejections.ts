import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type Rejection, sqsJson } from "../../shared/contract";
import { RejectionNotPublishedError } from "./errors";

/**
 * Publishes a permanent rejection to its sender's rejected queue, so the registry can correct and resend:
 * `{ source, id, type, reason, detail, receivedAt }`. Logged and counted by reason.
 */
export function createRejectionPublisher(deps: {
  sqs: SQSClient;
  logger: Logger;
  metrics: Metrics;
  clock: () => string;
}) {
  return async (rejection: Rejection, queueUrl: string): Promise<void> => {
    const record = { ...rejection, receivedAt: deps.clock() };
    try {
      await deps.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: sqsJson(record) }));
    } catch (cause) {
      throw new RejectionNotPublishedError(`rejected queue: ${(cause as Error).message}`, { cause });
    }
    deps.logger.warn("rejected", { reason: rejection.reason, detail: rejection.detail });
    const metric = deps.metrics.singleMetric();
    metric.addDimension("reason", rejection.reason);
    metric.addMetric("Rejections", MetricUnit.Count, 1);
  };
}
