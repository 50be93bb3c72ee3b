import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, SQSEvent } from "aws-lambda";
import { DynamoLedger } from "../../shared/ledger/dynamo-ledger";
import { loadCity } from "../lib/city";
import { requiredEnv } from "../lib/env";
import { createRecordHandler } from "./ingest";

const city = loadCity();
const logger = new Logger({ serviceName: "autogrant-ingest", persistentKeys: { city: city.city } });
const metrics = new Metrics({
  namespace: "autogrant",
  serviceName: "ingest",
  defaultDimensions: { city: city.city },
  // Its own warnings (an invocation that only retried has no metrics) go through the structured logger.
  logger,
});
const processor = new BatchProcessor(EventType.SQS);
const recordHandler = createRecordHandler({
  ledger: new DynamoLedger(new DynamoDBClient({}), requiredEnv("TABLE_NAME"), city),
  sqs: new SQSClient({}),
  rejectedQueueUrl: requiredEnv("REJECTED_QUEUE_URL"),
  logger,
  metrics,
});

/** SQS → ledger; only failed and waiting records are reported back for redelivery. */
export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
