/**
 * The local stack made from the city's synthesised CloudFormation template, so that local and cloud
 * cannot drift: table keys, indexes and stream; queue names, FIFO, visibility and redrive; event source
 * batch sizes, concurrency, retries and the relay's filter pattern all come from the template.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { App } from "aws-cdk-lib";
import { createApp } from "../infra/create-app";
import type { LocalResources } from "../scripts/local/resources";

type Resource = { Type: string; Properties: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource> };

export interface TemplateSettings {
  ingest: {
    /** The function's timeout. */
    timeoutSeconds: number;
    batchSize: number;
    maxConcurrency: number;
    receiveLimit: number;
    visibilityTimeoutSeconds: number;
  };
  relay: { timeoutSeconds: number; batchSize: number; retryAttempts: number; filterPattern: unknown };
}

/** Synthesises one city's stack in-process, skipping asset bundling (only the template is needed). */
export function synthesizeCityTemplate(city: string, outdir: string): Template {
  const app = createApp(new App({ outdir, context: { "aws:cdk:bundling-stacks": [] } }), { cities: [city] });
  return app.synth().getStackByName(`Autogrant-${city}`).template as Template;
}

const ref = (value: unknown): string | undefined =>
  (value as { Ref?: string })?.Ref ?? (value as { "Fn::GetAtt"?: [string, string] })?.["Fn::GetAtt"]?.[0];

function only(
  template: Template,
  type: string,
  where: (r: Resource) => boolean = () => true,
): [string, Resource] {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type && where(r));
  if (found.length !== 1)
    throw new Error(`the template has ${found.length} ${type} resources where one was expected`);
  return found[0] as [string, Resource];
}

export async function createFromTemplate(
  template: Template,
  dynamodb: DynamoDBClient,
  sqs: SQSClient,
  options: { prefix?: string; visibilityTimeoutSeconds?: number } = {},
): Promise<{ resources: LocalResources; settings: TemplateSettings }> {
  const name = (n: string) => (options.prefix ? `${options.prefix}-${n}` : n);
  const env = (r: Resource) => (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const [, ingestFn] = only(template, "AWS::Lambda::Function", (r) => "TABLE_NAME" in env(r));
  const [, relayFn] = only(template, "AWS::Lambda::Function", (r) => "PAYOUTS_QUEUE_URL" in env(r));
  const [tableId, table] = only(template, "AWS::DynamoDB::Table");
  const [, ingestMapping] = only(
    template,
    "AWS::Lambda::EventSourceMapping",
    (r) => ref(r.Properties.EventSourceArn) !== tableId,
  );
  const [, relayMapping] = only(
    template,
    "AWS::Lambda::EventSourceMapping",
    (r) => ref(r.Properties.EventSourceArn) === tableId,
  );
  const ingestQueueId = ref(ingestMapping.Properties.EventSourceArn) ?? "";

  // Queues: dead-letter targets first, so a redrive policy can name their ARNs.
  const queues = Object.entries(template.Resources).filter(([, r]) => r.Type === "AWS::SQS::Queue");
  queues.sort(
    ([, a], [, b]) => Number("RedrivePolicy" in a.Properties) - Number("RedrivePolicy" in b.Properties),
  );
  const made = new Map<string, { url: string; arn: string; properties: Record<string, unknown> }>();
  for (const [id, queue] of queues) {
    const p = queue.Properties;
    const redrive = p.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number } | undefined;
    const visibility =
      id === ingestQueueId ? (options.visibilityTimeoutSeconds ?? p.VisibilityTimeout) : p.VisibilityTimeout;
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries({
      FifoQueue: p.FifoQueue,
      ContentBasedDeduplication: p.ContentBasedDeduplication,
      DeduplicationScope: p.DeduplicationScope,
      FifoThroughputLimit: p.FifoThroughputLimit,
      MessageRetentionPeriod: p.MessageRetentionPeriod,
      VisibilityTimeout: visibility,
    })) {
      if (value !== undefined) attributes[key] = String(value);
    }
    if (redrive) {
      const target = made.get(ref(redrive.deadLetterTargetArn) ?? "");
      if (!target)
        throw new Error(`${id}: dead-letter queue ${JSON.stringify(redrive.deadLetterTargetArn)} not found`);
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: target.arn,
        maxReceiveCount: redrive.maxReceiveCount,
      });
    }
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name(String(p.QueueName)), Attributes: attributes }),
    );
    if (!QueueUrl) throw new Error(`queue ${String(p.QueueName)} was not created`);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    made.set(id, { url: QueueUrl, arn: Attributes?.QueueArn ?? "", properties: p });
  }
  const queue = (id: string | undefined) => {
    const found = made.get(id ?? "");
    if (!found) throw new Error(`queue ${id} is not in the template`);
    return found;
  };

  const t = table.Properties;
  const tableName = name(String(t.TableName ?? "ledger"));
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: t.AttributeDefinitions as never,
      KeySchema: t.KeySchema as never,
      GlobalSecondaryIndexes: (
        t.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[]
      ).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })) as never,
      StreamSpecification: { StreamEnabled: true, ...(t.StreamSpecification as object) },
    }),
  );
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const ingestQueue = queue(ingestQueueId);
  const ingestRedrive = ingestQueue.properties.RedrivePolicy as {
    deadLetterTargetArn: unknown;
    maxReceiveCount: number;
  };
  const filters =
    (relayMapping.Properties.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ??
    [];
  return {
    resources: {
      tableName,
      streamArn: described.Table?.LatestStreamArn ?? "",
      ingestQueueUrl: ingestQueue.url,
      ingestDeadLetterQueueUrl: queue(ref(ingestRedrive.deadLetterTargetArn)).url,
      rejectedQueueUrl: queue(ref(env(ingestFn).REJECTED_QUEUE_URL)).url,
      payoutsQueueUrl: queue(ref(env(relayFn).PAYOUTS_QUEUE_URL)).url,
      payoutsDeadLetterQueueUrl: queue(
        ref(
          (
            queue(ref(env(relayFn).PAYOUTS_QUEUE_URL)).properties.RedrivePolicy as {
              deadLetterTargetArn: unknown;
            }
          ).deadLetterTargetArn,
        ),
      ).url,
    },
    settings: {
      ingest: {
        timeoutSeconds: Number(ingestFn.Properties.Timeout ?? 3),
        batchSize: Number(ingestMapping.Properties.BatchSize ?? 10),
        maxConcurrency: Number(
          (ingestMapping.Properties.ScalingConfig as { MaximumConcurrency?: number })?.MaximumConcurrency ??
            2,
        ),
        receiveLimit: ingestRedrive.maxReceiveCount,
        visibilityTimeoutSeconds: Number(
          options.visibilityTimeoutSeconds ?? ingestQueue.properties.VisibilityTimeout,
        ),
      },
      relay: {
        timeoutSeconds: Number(relayFn.Properties.Timeout ?? 3),
        batchSize: Number(relayMapping.Properties.BatchSize ?? 100),
        retryAttempts: Number(relayMapping.Properties.MaximumRetryAttempts ?? -1),
        filterPattern: filters.length ? JSON.parse(filters[0]?.Pattern ?? "{}") : undefined,
      },
    },
  };
}

/**
 * Lambda event filtering for the patterns the stack uses: every key of the pattern must be present in
 * the record; a list matches when the record's value is one of its (string, number, boolean) values.
 */
export function matchesFilterPattern(pattern: unknown, value: unknown): boolean {
  if (pattern === undefined) return true;
  if (Array.isArray(pattern)) return pattern.some((allowed) => allowed === value);
  if (pattern === null || typeof pattern !== "object") return pattern === value;
  if (value === null || typeof value !== "object") return false;
  return Object.entries(pattern).every(([key, sub]) =>
    matchesFilterPattern(sub, (value as Record<string, unknown>)[key]),
  );
}
