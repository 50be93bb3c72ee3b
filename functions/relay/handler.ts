import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, DynamoDBStreamEvent } from "aws-lambda";
import { requiredEnv } from "../lib/env";
import { createRelayHandler } from "./relay";

const logger = new Logger({
  serviceName: "autogrant-relay",
  persistentKeys: { city: requiredEnv("AUTOGRANT_CITY") },
});
const processor = new BatchProcessor(EventType.DynamoDBStreams);
const recordHandler = createRelayHandler({
  sqs: new SQSClient({}),
  payoutsQueueUrl: requiredEnv("PAYOUTS_QUEUE_URL"),
});

/** Table stream (transactional outbox) → payouts FIFO queue; failures reported per record. */
export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger));
