/**
 * A city's ledger table and queues on the local engines, shaped as the CDK stack defines them
 * (keys, indexes, stream, FIFO, redrive and receive limit).
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

export interface LocalResources {
  tableName: string;
  streamArn: string;
  ingestQueueUrl: string;
  ingestDeadLetterQueueUrl: string;
  rejectedQueueUrl: string;
  payoutsQueueUrl: string;
  payoutsDeadLetterQueueUrl: string;
}

export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<string> {
  const index = (name: string, pk: string, sk: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: pk, KeyType: "HASH" as const },
      { AttributeName: sk, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"].map((name) => ({
        AttributeName: name,
        AttributeType: "S",
      })),
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        index("byPeriodStatus", "gsi1pk", "gsi1sk"),
        index("byBeneficiary", "gsi2pk", "gsi2sk"),
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  return streamArn;
}

async function queue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`queue ${name} was not created`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? "" };
}

export async function createLocalResources(
  dynamodb: DynamoDBClient,
  sqs: SQSClient,
  prefix: string,
  options: { receiveLimit: number; visibilityTimeoutSeconds: number },
): Promise<LocalResources> {
  const streamArn = await createLedgerTable(dynamodb, `${prefix}-ledger`);
  const ingestDlq = await queue(sqs, `${prefix}-ingest-dlq`);
  const ingest = await queue(sqs, `${prefix}-ingest`, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: ingestDlq.arn,
      maxReceiveCount: options.receiveLimit,
    }),
  });
  const rejected = await queue(sqs, `${prefix}-rejected`);
  const payoutsDlq = await queue(sqs, `${prefix}-payouts-dlq.fifo`, { FifoQueue: "true" });
  const payouts = await queue(sqs, `${prefix}-payouts.fifo`, {
    FifoQueue: "true",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: payoutsDlq.arn, maxReceiveCount: 5 }),
  });
  return {
    tableName: `${prefix}-ledger`,
    streamArn,
    ingestQueueUrl: ingest.url,
    ingestDeadLetterQueueUrl: ingestDlq.url,
    rejectedQueueUrl: rejected.url,
    payoutsQueueUrl: payouts.url,
    payoutsDeadLetterQueueUrl: payoutsDlq.url,
  };
}
