import { Duration } from "aws-cdk-lib";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { EventSourceMapping, FilterCriteria, FilterRule, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import type { CityFile } from "../shared/policy/city";
import { BundledFunction } from "./bundled-function";
import { LIFECYCLE_QUEUES, pascal, type Queues } from "./queues";

export interface FunctionsProps {
  city: string;
  rawCity: unknown;
  operations: CityFile["operations"];
  key: IKey;
  table: Table;
  queues: Queues;
}

export const RELAY_TIMEOUT = Duration.seconds(60);

/** Only new outbox items wake the relay: INSERTs of a payout, a release or a lifecycle message list. */
export const RELAY_FILTER = FilterCriteria.filter({
  eventName: FilterRule.isEqual("INSERT"),
  dynamodb: { NewImage: { entity: { S: FilterRule.or("payout", "release", "outbox") } } },
});

/**
 * ingest: each publisher's ingest queue → ledger table (+ that publisher's rejected queue); one mapping
 * per channel, so the record's eventSourceARN names its sender. relay: table stream → payouts FIFO queue.
 * The event sources are plain mappings rather than SqsEventSource/DynamoEventSource, whose automatic
 * grants add actions the functions never use (GetQueueUrl, kms:ReEncrypt*, ListStreams on "*").
 */
export class Functions extends Construct {
  readonly ingest: BundledFunction;
  readonly relay: BundledFunction;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    this.ingest = this.ingestFunction(props);
    this.relay = this.relayFunction(props);
  }

  /** ingest: every publisher's queue → the table, rejections back to that publisher. */
  private ingestFunction(props: FunctionsProps): BundledFunction {
    const { city, rawCity, operations, key, table, queues } = props;
    const ingest = new BundledFunction(this, "Ingest", {
      city,
      key,
      rawCity,
      name: "ingest",
      timeout: Duration.seconds(operations.ingest.timeoutSeconds),
      memorySize: 512,
      environment: { TABLE_NAME: table.tableName, REJECTED_QUEUE_URL: queues.rejected.queueUrl },
    });
    const channels = [...queues.channels.values()];
    // The event source mappings poll with the function's role (AWSLambdaSQSQueueExecutionRole's three actions).
    ingest.allow(
      "ReceiveIngest",
      ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
      channels.map((c) => c.ingest.queueArn),
    );
    // DynamoLedger: BatchGetItem and Query (consistent reads: keys, and a batch's lines) and
    // TransactWriteItems of Put + ConditionCheck items.
    ingest.allow(
      "Ledger",
      ["dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
      [table.tableArn],
    );
    ingest.allow(
      "PublishRejections",
      ["sqs:SendMessage"],
      [queues.rejected.queueArn, ...channels.map((c) => c.rejected.queueArn)],
    );
    // Decrypt: SQS receive and the table key; DescribeKey: DynamoDB's check of a customer-managed key;
    // GenerateDataKey: SendMessage to the encrypted rejected queue.
    ingest.allow("CityKey", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [key.keyArn]);
    // maxConcurrency is per mapping (at least 2): a channel's ceiling is its own, so one registry's burst
    // neither starves nor floods the others.
    for (const channel of channels) {
      new EventSourceMapping(this, `IngestFrom${pascal(channel.publisher.id)}`, {
        target: ingest.fn,
        eventSourceArn: channel.ingest.queueArn,
        batchSize: operations.ingest.batchSize,
        maxConcurrency: channel.publisher.maxConcurrency ?? operations.ingest.maxConcurrency,
        reportBatchItemFailures: true,
      });
    }
    return ingest;
  }

  /** relay: the table's stream → the payouts and lifecycle FIFO queues. */
  private relayFunction(props: FunctionsProps): BundledFunction {
    const { city, rawCity, operations, key, table, queues } = props;
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error("the ledger table has no stream: the relay reads the outbox from it");
    const relay = new BundledFunction(this, "Relay", {
      city,
      key,
      rawCity,
      name: "relay",
      timeout: RELAY_TIMEOUT,
      memorySize: 256,
      environment: {
        PAYOUTS_QUEUE_URL: queues.payouts.queueUrl,
        ...Object.fromEntries(
          LIFECYCLE_QUEUES.map((q) => [`${q.toUpperCase()}_QUEUE_URL`, queues.lifecycle[q].queue.queueUrl]),
        ),
        TABLE_NAME: table.tableName,
      },
    });
    relay.allow(
      "ReadStream",
      ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
      [streamArn],
    );
    // The handler's sends, and Lambda's on-failure record (sent with the function's role).
    relay.allow(
      "SendOutbox",
      ["sqs:SendMessage"],
      [
        queues.payouts.queueArn,
        ...LIFECYCLE_QUEUES.map((q) => queues.lifecycle[q].queue.queueArn),
        queues.relayFailures.queueArn,
      ],
    );
    // The relay sends what the table holds: a consistent GetItem of the record's key. Every outbox item
    // lives in a program-period partition (shared/decisions/keys.ts).
    relay.allow("ReadOutbox", ["dynamodb:GetItem"], [table.tableArn], {
      "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["ledger#*"] },
    });
    // Decrypt: the stream and the table (DescribeKey: DynamoDB's check of the customer-managed key, as for
    // ingest); GenerateDataKey: SendMessage to the encrypted payouts queue.
    relay.allow("CityKey", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [key.keyArn]);
    new EventSourceMapping(this, "RelayFromStream", {
      target: relay.fn,
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: operations.relay.batchSize,
      bisectBatchOnError: true,
      retryAttempts: operations.relay.retryAttempts,
      maxRecordAge: Duration.hours(operations.relay.maxRecordAgeHours),
      onFailure: { bind: () => ({ destination: queues.relayFailures.queueArn }) },
      reportBatchItemFailures: true,
      filters: [RELAY_FILTER],
    });
    return relay;
  }
}
