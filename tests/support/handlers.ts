/**
 * The real handler modules against this file's engines (tests/support/engines.ts), driven record by
 * record as Lambda's event sources would, for tests that build their own events. The table and queues
 * come from the city's synthesised template, like every local stack's.
 */
import { DeleteTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { drainQueue } from "../../local/drain";
import { type LocalHandlers, loadHandlers } from "../../local/handlers";
import { type LocalResources, provision } from "../../local/provision";
import { channelArnFor } from "../../local/records";
import { cityTemplate } from "../../local/template";
import { canonicalJson } from "../../shared/contract";
import { readCity } from "../../shared/policy/files";
import type { RejectionRecord } from "../../shared/simulate/records";
import { dynamoClient, dynamoEndpoint, sqsClient, sqsEndpoint, uniqueName } from "./engines";

const JINAN = readCity("jinan");

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
    // Every value, nested ones too (a key-list replacer would keep only the top-level names).
    return Items.map((item) => canonicalJson(item)).sort();
  };
  const dispose = async () => {
    await dynamodb.send(new DeleteTableCommand({ TableName: resources.tableName }));
  };
  return { resources, handlers, scanTable, dispose };
}

let serial = 0;
/**
 * An SQS event of these bodies, shaped like an ingest mapping's: each record from the queue of the
 * publisher owning its source (or `eventSourceARN`), accepted by SQS now (or at `sentAt`, epoch ms).
 */
export function sqsEventOf(
  bodies: readonly string[],
  options: { eventSourceARN?: string; sentAt?: number } = {},
): SQSEvent {
  const sentAt = options.sentAt ?? Date.now();
  return {
    Records: bodies.map(
      (body): SQSRecord => ({
        messageId: `m-${++serial}`,
        receiptHandle: `rh-${serial}`,
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: String(sentAt),
          SenderId: "AROAREGISTRY:publisher",
          ApproximateFirstReceiveTimestamp: String(sentAt),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        // As the registry that owns its source would send it, unless the test names the queue.
        eventSourceARN: options.eventSourceARN ?? channelArnFor(JINAN, body),
        awsRegion: "us-east-1",
      }),
    ),
  };
}

/** Every rejection published: each publisher's rejected queue and the city's own, drained. */
export async function drainRejections(resources: LocalResources): Promise<RejectionRecord[]> {
  const urls = [resources.rejectedQueueUrl, ...resources.channels.map((c) => c.rejectedQueueUrl)];
  const bodies = await Promise.all(urls.map((url) => drainQueue(sqs, url)));
  return bodies.flat().map((body) => JSON.parse(body));
}
