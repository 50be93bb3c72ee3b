/**
 * The real handler modules against this file's engines (tests/support/engines.ts), driven record by
 * record as Lambda's event sources would, for tests that build their own events. The table and queues
 * come from the city's synthesised template, like every local stack's.
 */
import { DeleteTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { type LocalHandlers, loadHandlers } from "../../local/handlers";
import { type LocalResources, provision } from "../../local/provision";
import { cityTemplate } from "../../local/template";
import { dynamoClient, dynamoEndpoint, sqsClient, sqsEndpoint, uniqueName } from "./engines";

export const dynamodb = dynamoClient();
export const sqs = sqsClient();

export interface HandlersOnEngines {
  resources: LocalResources;
  handlers: LocalHandlers;
  /** Every item of the ledger table, each as sorted-key JSON, sorted: equal arrays mean equal tables. */
  scanTable(): Promise<string[]>;
  /** Deletes the table (call from afterAll). */
  dispose(): Promise<void>;
}

/** A ledger table and queues named after `prefix`, and the handler modules pointed at them. */
export async function handlersOnEngines(prefix: string): Promise<HandlersOnEngines> {
  const { resources } = await provision(await cityTemplate("jinan"), dynamodb, sqs, {
    prefix: uniqueName(prefix),
    receiveLimit: 5,
    visibilityTimeoutSeconds: 5,
  });
  const handlers = await loadHandlers({
    city: "jinan",
    dynamodbEndpoint: dynamoEndpoint(),
    sqsEndpoint: sqsEndpoint(),
    tableName: resources.tableName,
    rejectedQueueUrl: resources.rejectedQueueUrl,
    payoutsQueueUrl: resources.payoutsQueueUrl,
    queueEnv: resources.queueEnv,
    logLevel: "SILENT",
  });
  const scanTable = async () => {
    const { Items = [] } = await dynamodb.send(
      new ScanCommand({ TableName: resources.tableName, ConsistentRead: true }),
    );
    return Items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();
  };
  const dispose = async () => {
    await dynamodb.send(new DeleteTableCommand({ TableName: resources.tableName }));
  };
  return { resources, handlers, scanTable, dispose };
}

let serial = 0;
/** An SQS event of these bodies, shaped like the ingest mapping's. */
export function sqsEventOf(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body): SQSRecord => ({
        messageId: `m-${++serial}`,
        receiptHandle: `rh-${serial}`,
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "1700000000000",
          SenderId: "registry",
          ApproximateFirstReceiveTimestamp: "1700000000000",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:ingest",
        awsRegion: "us-east-1",
      }),
    ),
  };
}
