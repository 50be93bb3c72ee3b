import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { DynamoLedgerReader } from "../../shared/ledger/reader";
import { loadCity } from "../lib/city";
import { requiredEnv } from "../lib/env";
import { createWorkbenchHandler } from "./app";
import type { WorkbenchEvent } from "./http";
import { sqsStaffChannel } from "./staff-channel";

const city = loadCity();
const logger = new Logger({ serviceName: "autogrant-workbench", persistentKeys: { city: city.city } });
const workbench = createWorkbenchHandler({
  city,
  reader: new DynamoLedgerReader(new DynamoDBClient({}), requiredEnv("TABLE_NAME"), city),
  staff: sqsStaffChannel(new SQSClient({}), requiredEnv("STAFF_QUEUE_URL")),
  now: () => new Date().toISOString(),
  logError: (message, error) => logger.error(message, error as Error),
});

/** API Gateway HTTP API (payload 2.0, IAM-authorised) → the workbench; the local adapter calls it too. */
export const handler = (
  event: WorkbenchEvent,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => workbench(event, context);
