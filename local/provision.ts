/**
 * The template loader: creates on the local engines the ledger table and the queues the city's template
 * declares (template.ts reads it). Nothing else in the project creates a table or a queue of the
 * product's (tests/architecture.test.ts), so there is one definition of each: the CDK stack's.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { TemplateShapeError } from "./errors";
import {
  type LocalOverrides,
  queueVariables,
  type Resource,
  redriveOf,
  refOf,
  stackShape,
  type Template,
  type TemplateSettings,
  templateSettings,
} from "./template";

/** One publisher's queues on the local engines. */
export interface LocalChannel {
  publisherId: string;
  ingestQueueUrl: string;
  deadLetterQueueUrl: string;
  rejectedQueueUrl: string;
}

export interface LocalQueues {
  /** Each publisher's channel, in the template's order. */
  channels: LocalChannel[];
  /** The city's own rejected queue: rejections of records from no publisher's queue. */
  rejectedQueueUrl: string;
  payoutsQueueUrl: string;
  payoutsDeadLetterQueueUrl: string;
  /** Every queue the template declares, the relay's on-failure queue too: what removal deletes. */
  queueUrls: string[];
  /** The functions' queue variables (REJECTED_QUEUE_URL, PAYOUTS_QUEUE_URL, …) with the local URLs. */
  queueEnv: Record<string, string>;
}

export interface LocalResources extends LocalQueues {
  tableName: string;
  streamArn: string;
}

/** Names the table and queues `<prefix>-<name in the template>`; without one, as the template names them. */
export interface ProvisionOptions extends LocalOverrides {
  prefix?: string;
}

const prefixed = (options: ProvisionOptions, name: string) =>
  options.prefix ? `${options.prefix}-${name}` : name;

/** The ledger table as the template declares it (keys, indexes, stream), under `tableName`; its stream ARN. */
export async function createLedgerTable(
  template: Template,
  dynamodb: DynamoDBClient,
  tableName: string,
): Promise<string> {
  const t = stackShape(template).table.Properties;
  const indexes = t.GlobalSecondaryIndexes as {
    IndexName: string;
    KeySchema: unknown;
    Projection: unknown;
  }[];
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: t.AttributeDefinitions as never,
      KeySchema: t.KeySchema as never,
      GlobalSecondaryIndexes: indexes.map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
        Projection: g.Projection,
      })) as never,
      StreamSpecification: { StreamEnabled: true, ...(t.StreamSpecification as object) },
    }),
  );
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn)
    throw new TemplateShapeError(`table ${tableName} has no stream: the relay reads the outbox from it`);
  return streamArn;
}

/** SQS attributes of a queue resource; `visibility` stands in for its own where given. */
function queueAttributes(p: Record<string, unknown>, visibility: number | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    FifoQueue: p.FifoQueue,
    ContentBasedDeduplication: p.ContentBasedDeduplication,
    DeduplicationScope: p.DeduplicationScope,
    FifoThroughputLimit: p.FifoThroughputLimit,
    MessageRetentionPeriod: p.MessageRetentionPeriod,
    VisibilityTimeout: visibility ?? p.VisibilityTimeout,
  })) {
    if (value !== undefined) attributes[key] = String(value);
  }
  return attributes;
}

/** Every queue the template declares, dead-letter targets first so that a redrive policy can name their ARNs. */
export async function createQueues(
  template: Template,
  sqs: SQSClient,
  options: ProvisionOptions = {},
): Promise<LocalQueues> {
  const shape = stackShape(template);
  const queues = [...shape.queues].sort(
    ([, a], [, b]) => Number(redriveOf(a) !== undefined) - Number(redriveOf(b) !== undefined),
  );
  const made = new Map<string, { url: string; arn: string }>();
  const ingestIds = new Set(shape.ingest.channels.map((c) => c.queueId));
  for (const [id, queue] of queues) {
    const isIngest = ingestIds.has(id);
    const attributes = queueAttributes(
      queue.Properties,
      isIngest ? options.visibilityTimeoutSeconds : undefined,
    );
    const redrive = redriveOf(queue);
    if (redrive) {
      const target = made.get(refOf(redrive.deadLetterTargetArn));
      if (!target) throw new TemplateShapeError(`${id}: its dead-letter queue is not in the template`);
      const maxReceiveCount = (isIngest ? options.receiveLimit : undefined) ?? redrive.maxReceiveCount;
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: target.arn, maxReceiveCount });
    }
    made.set(id, await createQueue(sqs, prefixed(options, String(queue.Properties.QueueName)), attributes));
  }
  const url = (id: string) => made.get(id)?.url ?? "";
  return {
    channels: shape.ingest.channels.map((c) => ({
      publisherId: c.publisherId,
      ingestQueueUrl: url(c.queueId),
      deadLetterQueueUrl: url(c.deadLetterQueueId),
      rejectedQueueUrl: url(c.rejectedQueueId),
    })),
    rejectedQueueUrl: url(shape.ingest.rejectedQueueId),
    payoutsQueueUrl: url(shape.relay.payoutsQueueId),
    payoutsDeadLetterQueueUrl: url(shape.relay.payoutsDeadLetterQueueId),
    queueUrls: [...made.values()].map((q) => q.url),
    queueEnv: Object.fromEntries(
      Object.entries(queueVariables(template)).map(([name, id]) => [name, url(id)]),
    ),
  };
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new TemplateShapeError(`queue ${name} was not created`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? "" };
}

/** The city's table and queues on the local engines, and its event sources' settings, from its template. */
export async function provision(
  template: Template,
  dynamodb: DynamoDBClient,
  sqs: SQSClient,
  options: ProvisionOptions = {},
): Promise<{ resources: LocalResources; settings: TemplateSettings }> {
  const table = stackShape(template).table as Resource;
  const tableName = prefixed(options, String(table.Properties.TableName ?? "ledger"));
  const [streamArn, queues] = await Promise.all([
    createLedgerTable(template, dynamodb, tableName),
    createQueues(template, sqs, options),
  ]);
  return { resources: { tableName, streamArn, ...queues }, settings: templateSettings(template, options) };
}
