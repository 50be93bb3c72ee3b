/**
 * What tests use to reach the engines started once by tests/global-setup.ts.
 * Engines are shared by every test file running in parallel: create your own tables and
 * queues with uniqueName() and never rely on ListTables/ListQueues being empty.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { inject } from "vitest";
import { localClientConfig } from "../../scripts/local/engines";

function provided(key: "dynamoEndpoint" | "sqsEndpoint"): string {
  const value = inject(key);
  if (!value) {
    throw new Error(
      `${key} was not provided: run tests through vitest.config.ts, whose globalSetup (tests/global-setup.ts) starts the local engines`,
    );
  }
  return value;
}

export function dynamoEndpoint(): string {
  return provided("dynamoEndpoint");
}

export function sqsEndpoint(): string {
  return provided("sqsEndpoint");
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
