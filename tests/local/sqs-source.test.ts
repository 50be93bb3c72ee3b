/**
 * SqsEventSource against fauxqs: Lambda's SQS event source mapping semantics with
 * ReportBatchItemFailures (delete all but the failed records; delete nothing when the handler
 * throws), redrive to the DLQ by the queue, parallel pollers and a graceful stop.
 */
import { createHash } from "node:crypto";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, describe, test } from "vitest";
import { drainQueue, queueCounts, waitUntilQuiet } from "../../local/drain";
import { SqsEventSource, type SqsEventSourceOptions } from "../../local/sqs-source";
import { bareQueue } from "../support/bare";
import { sqsClient } from "../support/engines";

const sqs: SQSClient = sqsClient();
const sources: SqsEventSource[] = [];
afterAll(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  sqs.destroy();
});

const createQueue = (prefix: string, attributes?: Record<string, string>) =>
  bareQueue(sqs, prefix, attributes);

async function send(url: string, bodies: string[]): Promise<void> {
  const { Failed = [] } = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((body, index) => ({
        Id: String(index),
        MessageBody: body,
        MessageAttributes: { trace: { DataType: "String", StringValue: `t-${body}` } },
      })),
    }),
  );
  if (Failed.length > 0) throw new Error(JSON.stringify(Failed));
}

/** A source that records every invocation; stopped after the test file. */
async function run(
  queueUrl: string,
  handler: (event: SQSEvent, invocation: number) => Promise<SQSBatchResponse | undefined>,
  options: Partial<SqsEventSourceOptions> = {},
) {
  const invocations: SQSRecord[][] = [];
  const source = new SqsEventSource({
    sqs,
    queueUrl,
    batchSize: 10,
    maxConcurrency: 1,
    waitTimeSeconds: 1,
    timeoutSeconds: 1,
    ...options,
    handler: (event) => {
      invocations.push(event.Records);
      return handler(event, invocations.length);
    },
  });
  sources.push(source);
  await source.start();
  return { source, invocations };
}

/** body → the ApproximateReceiveCount of each delivery, in delivery order. */
function deliveries(invocations: SQSRecord[][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const record of invocations.flat()) {
    out[record.body] = [...(out[record.body] ?? []), record.attributes.ApproximateReceiveCount];
  }
  return out;
}

describe.concurrent("SqsEventSource", () => {
  test("partial batch failure: only the failed records come back, with their receive count raised", async ({
    expect,
  }) => {
    const queue = await createQueue("esm-partial", { VisibilityTimeout: "1" });
    await send(queue.url, ["ok-1", "ok-2", "fail-1", "ok-3", "fail-2"]);
    const { source, invocations } = await run(queue.url, async (event) => ({
      batchItemFailures: event.Records.filter(
        (r) => r.body.startsWith("fail") && r.attributes.ApproximateReceiveCount === "1",
      ).map((r) => ({ itemIdentifier: r.messageId })),
    }));

    await waitUntilQuiet({ sources: [source], sqs, timeoutMs: 15_000 });

    expect(deliveries(invocations)).toEqual({
      "ok-1": ["1"],
      "ok-2": ["1"],
      "ok-3": ["1"],
      "fail-1": ["1", "2"],
      "fail-2": ["1", "2"],
    });
    expect(source.counters).toMatchObject({
      records: 7,
      failures: 2,
      deleted: 5,
      invocationErrors: 0,
      deleteErrors: 0,
    });
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    // The records are shaped like Lambda's.
    const record = invocations[0]?.find((r) => r.body === "ok-1");
    expect(record).toMatchObject({
      eventSource: "aws:sqs",
      eventSourceARN: queue.arn,
      awsRegion: "us-east-1",
      md5OfBody: createHash("md5").update("ok-1").digest("hex"),
      messageAttributes: {
        trace: { stringValue: "t-ok-1", dataType: "String", stringListValues: [], binaryListValues: [] },
      },
    });
    expect(record?.messageId).toMatch(/\S/);
    expect(record?.receiptHandle).toMatch(/\S/);
    expect(record?.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(record?.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(record?.attributes.SenderId).toMatch(/\S/);
  });

  test("a handler that throws gets the whole batch again after the visibility timeout", async ({
    expect,
  }) => {
    const queue = await createQueue("esm-throw", { VisibilityTimeout: "1" });
    await send(queue.url, ["a", "b", "c"]);
    const { source, invocations } = await run(queue.url, async (_event, invocation) => {
      if (invocation === 1) throw new Error("boom");
      return { batchItemFailures: [] };
    });

    await waitUntilQuiet({ sources: [source], sqs, timeoutMs: 15_000 });

    expect(deliveries(invocations)).toEqual({ a: ["1", "2"], b: ["1", "2"], c: ["1", "2"] });
    const ids = (batch: SQSRecord[] | undefined) => (batch ?? []).map((r) => r.messageId).sort();
    expect(invocations).toHaveLength(2);
    expect(ids(invocations[1])).toEqual(ids(invocations[0]));
    expect(source.counters).toMatchObject({
      batches: 2,
      records: 6,
      invocationErrors: 1,
      failures: 0,
      deleted: 3,
    });
  });

  test("an invocation still running at the function timeout is ended, as Lambda ends it, and its batch comes back", async ({
    expect,
  }) => {
    // A handler awaiting a call that never answers (an engine that stopped responding): Lambda stops
    // the invocation at its timeout and the batch returns after the visibility timeout.
    const queue = await createQueue("esm-timeout", { VisibilityTimeout: "1" });
    await send(queue.url, ["stuck", "fine"]);
    const { source, invocations } = await run(
      queue.url,
      async (_event, invocation) => {
        if (invocation === 1) await new Promise(() => {});
        return undefined;
      },
      { timeoutSeconds: 1 },
    );

    await waitUntilQuiet({ sources: [source], sqs, timeoutMs: 15_000 });

    expect(deliveries(invocations)).toEqual({ stuck: ["1", "2"], fine: ["1", "2"] });
    expect(source.counters).toMatchObject({ batches: 2, invocationErrors: 1, deleted: 2 });
    expect(source.quietState().busy).toBe(false);
  });

  test("a function timeout longer than the queue's visibility timeout is refused, as Lambda refuses the mapping", async ({
    expect,
  }) => {
    const queue = await createQueue("esm-refused", { VisibilityTimeout: "2" });
    const source = new SqsEventSource({
      sqs,
      queueUrl: queue.url,
      handler: async () => undefined,
      timeoutSeconds: 3,
    });
    await expect(source.start()).rejects.toThrow(/timeout/);
    await source.stop();
  });

  test("a record that always fails lands in the DLQ after maxReceiveCount receives", async ({ expect }) => {
    const dlq = await createQueue("esm-dlq");
    const queue = await createQueue("esm-redrive", {
      VisibilityTimeout: "1",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await send(queue.url, ["poison", "fine"]);
    const { source, invocations } = await run(queue.url, async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === "poison").map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));

    await waitUntilQuiet({ sources: [source], sqs, timeoutMs: 15_000 });

    expect(deliveries(invocations)).toEqual({ poison: ["1", "2"], fine: ["1"] });
    expect(await drainQueue(sqs, dlq.url)).toEqual(["poison"]);
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  test("a batchItemFailures entry that is not in the batch fails the whole batch, as in Lambda", async ({
    expect,
  }) => {
    const queue = await createQueue("esm-invalid", { VisibilityTimeout: "1" });
    await send(queue.url, ["x", "y"]);
    const { source, invocations } = await run(queue.url, async (_event, invocation) =>
      invocation === 1 ? { batchItemFailures: [{ itemIdentifier: "not-a-message-id" }] } : undefined,
    );

    await waitUntilQuiet({ sources: [source], sqs, timeoutMs: 15_000 });

    expect(deliveries(invocations)).toEqual({ x: ["1", "2"], y: ["1", "2"] });
    expect(source.counters).toMatchObject({ invalidResponses: 1, deleted: 2 });
  });

  test("maxConcurrency pollers invoke in parallel", async ({ expect }) => {
    const queue = await createQueue("esm-parallel");
    await send(queue.url, ["p1", "p2", "p3"]);
    let active = 0;
    let peak = 0;
    const allIn = Promise.withResolvers<void>();
    const { source, invocations } = await run(
      queue.url,
      async () => {
        active++;
        peak = Math.max(peak, active);
        if (active === 3) allIn.resolve();
        // Each invocation holds until all three run at once: without parallel pollers none would finish.
        await allIn.promise;
        active--;
        return undefined;
      },
      { batchSize: 1, maxConcurrency: 3, timeoutSeconds: 30 },
    );

    await waitUntilQuiet({ sources: [source], sqs, timeoutMs: 15_000 });

    expect(peak).toBe(3);
    expect(invocations.map((batch) => batch.length)).toEqual([1, 1, 1]);
    expect(source.counters.deleted).toBe(3);
  });

  test("stop() lets the batch in flight finish and be deleted", async ({ expect }) => {
    const queue = await createQueue("esm-stop", { VisibilityTimeout: "30" });
    await send(queue.url, ["slow"]);
    const started = Promise.withResolvers<void>();
    let finished = false;
    const { source } = await run(queue.url, async () => {
      started.resolve();
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
      return undefined;
    });

    await started.promise;
    await source.stop();

    expect(finished).toBe(true);
    expect(source.counters).toMatchObject({ batches: 1, deleted: 1 });
    // Deleted, not merely in flight for 30 s.
    expect(await queueCounts(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
