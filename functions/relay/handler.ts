import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, DynamoDBStreamEvent } from "aws-lambda";
import { OutboxReader } from "../../shared/ledger/outbox";
import { requiredEnv } from "../lib/env";
import { createRelayHandler } from "./relay";

const city = requiredEnv("AUTOGRANT_CITY");
const logger = new Logger({ serviceName: "autogrant-relay", persistentKeys: { city } });
// Its own warnings (a batch that sent nothing has no metrics) go through the structured logger.
const metrics = new Metrics({
  namespace: "autogrant",
  serviceName: "relay",
  defaultDimensions: { city },
  logger,
});
const processor = new BatchProcessor(EventType.DynamoDBStreams);
const recordHandler = createRelayHandler({
  sqs: new SQSClient({}),
  queueUrls: {
    payouts: requiredEnv("PAYOUTS_QUEUE_URL"),
    publicity: requiredEnv("PUBLICITY_QUEUE_URL"),
    notices: requiredEnv("NOTICES_QUEUE_URL"),
    instructions: requiredEnv("INSTRUCTIONS_QUEUE_URL"),
    receivables: requiredEnv("RECEIVABLES_QUEUE_URL"),
  },
  outbox: new OutboxReader(new DynamoDBClient({}), requiredEnv("TABLE_NAME")),
  logger,
  metrics,
});

/** Table stream (transactional outbox) → the outbound FIFO queues; failures reported per record. */
export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
