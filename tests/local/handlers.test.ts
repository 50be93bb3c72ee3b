/**
 * The real handler modules (functions/ingest/handler.ts, functions/relay/handler.ts) loaded by
 * loadHandlers and driven by the local event sources: a fact on the ingest queue becomes a payout
 * on the payouts FIFO queue through the ledger table's stream, and concurrent invocations in one
 * process keep their batch results apart.
 */
import { randomUUID } from "node:crypto";
import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { PAYOUTS_RECEIVE_LIMIT } from "../../infra/queues";
import { drainQueue, waitUntilQuiet } from "../../local/drain";
import { eventFilter } from "../../local/event-filter";
import { type LocalHandlers, loadHandlers } from "../../local/handlers";
import { type LocalResources, provision } from "../../local/provision";
import { channelArnFor } from "../../local/records";
import { SqsEventSource } from "../../local/sqs-source";
import { StreamEventSource } from "../../local/stream-source";
import { cityTemplate, type TemplateSettings } from "../../local/template";
import { readCity } from "../../shared/policy/files";
import { dynamoClient, dynamoEndpoint, sqsClient, sqsEndpoint, uniqueName } from "../support/engines";
import { factBody } from "../support/facts";
import { usccFor } from "../support/parties";

const ddb: DynamoDBClient = dynamoClient();
const sqs: SQSClient = sqsClient();
let resources: LocalResources;
let settings: TemplateSettings;
let handlers: LocalHandlers;
let templateQueues: number;

beforeAll(async () => {
  const template = await cityTemplate("jinan");
  templateQueues = Object.values(template.Resources).filter((r) => r.Type === "AWS::SQS::Queue").length;
  ({ resources, settings } = await provision(template, ddb, sqs, {
    prefix: uniqueName("rt"),
    receiveLimit: 5,
    visibilityTimeoutSeconds: 5,
  }));
  handlers = await loadHandlers({
    city: "jinan",
    dynamodbEndpoint: dynamoEndpoint(),
    sqsEndpoint: sqsEndpoint(),
    ...resources,
  });
});
afterAll(() => {
  ddb.destroy();
  sqs.destroy();
});

function fact(type: string, data: Record<string, unknown>, id = randomUUID()): string {
  return factBody({ type, id, data });
}

const granted = (certificateNo: string, enterprise: string, name = `${enterprise} 科技有限公司`) =>
  fact("hte.certification.granted", {
    certificateNo,
    enterprise: { uscc: usccFor(enterprise), name },
    kind: "first",
    scale: "above",
    district: "370102",
    issuedOn: "2024-01-20",
  });

/** A revocation whose certificate never came: the ingest handler leaves it waiting (a batch item failure). */
const waitingRevocation = (certificateNo: string) =>
  fact("hte.certification.revoked", { certificateNo, revokedOn: "2024-03-01", reason: "撤销" });

/** The high-tech registry's channel: the one the certificates in these tests are sent on. */
function hteChannel() {
  const channel = resources.channels.find((c) => c.publisherId === "hte-certification");
  if (!channel) throw new Error("the template has no hte-certification channel");
  return channel;
}

function sqsRecord(body: string): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: now,
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: channelArnFor(readCity("jinan"), body),
    awsRegion: "us-east-1",
  };
}

describe("loadHandlers", () => {
  test("ingest → ledger → stream → relay → payouts FIFO, and a malformed message → rejected queue", async () => {
    // CJK Extension B and C characters (they occur in company and personal names) and an emoji: outside
    // the Basic Multilingual Plane, carried by SQS, the table, the stream and the FIFO queue alike.
    const name = "𠀋𡈽𪚥科技有限公司 🚀";
    // The handlers' SQS clients must not fall back to QueueUrl hosts (the SDK warns on every call then).
    const warn = vi.spyOn(console, "warn");
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: hteChannel().ingestQueueUrl,
        Entries: [granted("GR-E2E-1", "E2E1", name), "{not json"].map((body, index) => ({
          Id: String(index),
          MessageBody: body,
        })),
      }),
    );
    const ingest = new SqsEventSource({
      sqs,
      queueUrl: hteChannel().ingestQueueUrl,
      batchSize: 10,
      maxConcurrency: 2,
      timeoutSeconds: 5, // the queue's visibility timeout here: Lambda allows no longer
      handler: (event) => handlers.ingest(event, 5),
    });
    const relay = new StreamEventSource({
      streamArn: resources.streamArn,
      endpoint: dynamoEndpoint(),
      batchSize: 100,
      filter: eventFilter(settings.relay.filterPattern),
      retryAttempts: 3,
      timeoutSeconds: 60,
      handler: (event) => handlers.relay(event, 60),
    });
    await Promise.all([ingest.start(), relay.start()]);
    try {
      await waitUntilQuiet({ sources: [ingest, relay], sqs, timeoutMs: 20_000 });
    } finally {
      await Promise.all([ingest.stop(), relay.stop()]);
    }

    expect(ingest.counters).toMatchObject({ records: 2, failures: 0, invocationErrors: 0, deleted: 2 });
    expect(relay.counters).toMatchObject({ failures: 0, invocationErrors: 0, discarded: 0 });
    expect(relay.counters.records).toBeGreaterThanOrEqual(1);

    const payouts = (await drainQueue(sqs, resources.payoutsQueueUrl)).map((body) => JSON.parse(body));
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({
      kind: "payout",
      city: "jinan",
      program: "hte-first-award",
      beneficiary: { kind: "enterprise", id: usccFor("E2E1"), name },
      period: 2024,
      amount: "300000.00",
    });
    const rejected = (await drainQueue(sqs, hteChannel().rejectedQueueUrl)).map((body) => JSON.parse(body));
    expect(rejected).toEqual([expect.objectContaining({ reason: "malformed-json" })]);
    expect(warn.mock.calls.filter(([message]) => /QueueUrl=/.test(String(message)))).toEqual([]);
    warn.mockRestore();
  });

  test("concurrent invocations in one process keep their batchItemFailures apart", async () => {
    const events: SQSEvent[] = Array.from({ length: 8 }, (_, i) => ({
      Records: [
        sqsRecord("{not json"),
        sqsRecord(waitingRevocation(`GR-WAIT-${randomUUID().slice(0, 8).toUpperCase()}`)),
        sqsRecord(`[${i}`),
      ],
    }));
    const responses = await Promise.all(events.map((event) => handlers.ingest(event, 30)));
    responses.forEach((response, i) => {
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: events[i]?.Records[1]?.messageId }]);
    });
    // Every malformed record was published to the rejected queue exactly once.
    expect(await drainQueue(sqs, hteChannel().rejectedQueueUrl)).toHaveLength(16);
  });

  test("an invocation past its timeout makes no more AWS calls: its fact is neither written nor rejected", async () => {
    const certificateNo = `GR-LATE-${randomUUID().slice(0, 8).toUpperCase()}`;
    const late = sqsRecord(granted(certificateNo, "LATE1"));
    // A timeout of 0 s: the deadline has passed before the handler's first call, as it has for an
    // invocation abandoned at its timeout while it still holds records.
    // Every record fails (Powertools then throws the whole batch back, as Lambda reads a full failure).
    await expect(handlers.ingest({ Records: [late, sqsRecord("{not json")] }, 0)).rejects.toThrow(
      /All records failed/,
    );
    const written = await ddb.send(
      new ScanCommand({
        TableName: resources.tableName,
        FilterExpression: "contains(#body, :no)",
        ExpressionAttributeNames: { "#body": "body" },
        ExpressionAttributeValues: { ":no": { S: certificateNo } },
      }),
    );
    expect(written.Count).toBe(0);
    expect(await drainQueue(sqs, hteChannel().rejectedQueueUrl)).toEqual([]);
    // The same records in a live invocation go through.
    const again = await handlers.ingest({ Records: [late] }, 30);
    expect(again.batchItemFailures).toEqual([]);
  });

  test("a second environment in the same process is refused", async () => {
    expect(() =>
      loadHandlers({
        city: "jinan",
        dynamodbEndpoint: dynamoEndpoint(),
        sqsEndpoint: sqsEndpoint(),
        ...resources,
        tableName: "another-table",
      }),
    ).toThrow(/another environment/);
    await expect(
      loadHandlers({
        city: "jinan",
        dynamodbEndpoint: dynamoEndpoint(),
        sqsEndpoint: sqsEndpoint(),
        ...resources,
      }),
    ).resolves.toBe(handlers);
  });
});

describe("provision", () => {
  const attributes = async (QueueUrl: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))).Attributes ?? {};
  const receiveLimit = (queue: Record<string, string>) =>
    (JSON.parse(queue.RedrivePolicy ?? "{}") as { maxReceiveCount?: number }).maxReceiveCount;

  test("the queues are the template's; only the ingest queue's visibility and receive limit are this run's", async () => {
    const [ingest, payouts, payoutsDlq] = await Promise.all(
      [hteChannel().ingestQueueUrl, resources.payoutsQueueUrl, resources.payoutsDeadLetterQueueUrl].map(
        attributes,
      ),
    );
    expect({ visibility: ingest?.VisibilityTimeout, receiveLimit: receiveLimit(ingest ?? {}) }).toEqual({
      visibility: "5",
      receiveLimit: 5,
    });
    // The stack's payouts dead-letter rule (infra/queues.ts), which a hand-made copy once gave as 5.
    expect({ fifo: payouts?.FifoQueue, receiveLimit: receiveLimit(payouts ?? {}) }).toEqual({
      fifo: "true",
      receiveLimit: PAYOUTS_RECEIVE_LIMIT,
    });
    expect(payoutsDlq?.FifoQueue).toBe("true");
    // Every queue the stack declares (ingest, payouts, rejected, the lifecycle's four, their DLQs), no more.
    expect(templateQueues).toBeGreaterThanOrEqual(14);
    expect(resources.queueUrls).toHaveLength(templateQueues);
    expect(settings.relay).toMatchObject({ batchSize: 100, retryAttempts: 10, timeoutSeconds: 60 });
  });
});
