/**
 * The local engines of one test file: a DynamoDB Local and an SQS emulator of its own, started when the
 * file first imports this module and stopped after its last test. A DynamoDB Local shared by a whole run
 * slows down with every stream record of every table the run ever wrote, even deleted ones (each write
 * scans the stream metadata: ~14 ms per transaction fresh, ~55 ms after five files), until a loaded
 * machine's handlers outlive their timeouts; a file's own engine starts in ~3 s and stays fast.
 *
 * AUTOGRANT_LOCAL_DYNAMODB_ENDPOINT and AUTOGRANT_LOCAL_SQS_ENDPOINT (both, e.g. from
 * `npx tsx scripts/engines.ts`) point every file at engines already running instead.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll } from "vitest";
import { localClientConfig, startEngines } from "../../local/engines";

const fromEnv = {
  dynamodb: process.env.AUTOGRANT_LOCAL_DYNAMODB_ENDPOINT,
  sqs: process.env.AUTOGRANT_LOCAL_SQS_ENDPOINT,
};
const endpoints =
  fromEnv.dynamodb && fromEnv.sqs
    ? { dynamodb: fromEnv.dynamodb, sqs: fromEnv.sqs }
    : await (async () => {
        const engines = await startEngines();
        afterAll(() => engines.stop());
        return { dynamodb: engines.dynamodb.endpoint, sqs: engines.sqs.endpoint };
      })();

export function dynamoEndpoint(): string {
  return endpoints.dynamodb;
}

export function sqsEndpoint(): string {
  return endpoints.sqs;
}

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient(localClientConfig(dynamoEndpoint()));
}

export function sqsClient(): SQSClient {
  return new SQSClient(localClientConfig(sqsEndpoint()));
}

/**
 * A name no other test (file, worker or run) will use: `${prefix}-<time>-<random>`.
 * A ".fifo" prefix keeps the suffix last, so uniqueName("payouts.fifo") is a valid FIFO queue name.
 * Valid as both a DynamoDB table name and an SQS queue name (letters, digits, "-" and "_", ≤ 80 chars).
 */
export function uniqueName(prefix: string): string {
  const fifo = prefix.endsWith(".fifo");
  const base = fifo ? prefix.slice(0, -".fifo".length) : prefix;
  const name = `${base}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}${fifo ? ".fifo" : ""}`;
  if (!/^[A-Za-z0-9_-]+(\.fifo)?$/.test(name) || name.length > 80) {
    throw new Error(
      `uniqueName: "${prefix}" gives "${name}", not a valid queue/table name (A-Za-z0-9_-, ≤ 80 chars)`,
    );
  }
  return name;
}
