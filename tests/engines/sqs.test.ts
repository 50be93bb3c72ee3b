/**
 * Proves the SQS emulator (fauxqs) behaves like SQS for everything the pipeline relies on.
 * If one of these fails after a fauxqs upgrade, local runs and the benchmark are no longer trustworthy.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, test } from "vitest";
import { bareQueue } from "../support/bare";
import { sqsClient } from "../support/engines";

const sqs: SQSClient = sqsClient();
afterAll(() => sqs.destroy());

const createQueue = (prefix: string, attributes?: Record<string, string>) =>
  bareQueue(sqs, prefix, attributes);

async function receive(queueUrl: string, options: { max?: number; visibility?: number; wait?: number } = {}) {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.max ?? 10,
      WaitTimeSeconds: options.wait ?? 0,
      ...(options.visibility === undefined ? {} : { VisibilityTimeout: options.visibility }),
      MessageSystemAttributeNames: ["ApproximateReceiveCount", "MessageGroupId", "MessageDeduplicationId"],
    }),
  );
  return Messages ?? [];
}

function receiveCount(message: Message | undefined): number {
  return Number(message?.Attributes?.ApproximateReceiveCount);
}

describe("fauxqs SQS emulator", () => {
  test("ReceiveMessage with MessageSystemAttributeNames returns ApproximateReceiveCount, counting receives", async () => {
    const queue = await createQueue("receive-count");
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "m" }));

    const [first] = await receive(queue.url, { visibility: 0 });
    expect(first?.Body).toBe("m");
    expect(first?.Attributes?.ApproximateReceiveCount).toBe("1");

    const [second] = await receive(queue.url, { visibility: 0 });
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(receiveCount(second)).toBe(2);
  });

  test("ChangeMessageVisibility hides a message longer, or releases it at once with 0", async () => {
    const queue = await createQueue("visibility", { VisibilityTimeout: "30" });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "v" }));

    const [message] = await receive(queue.url);
    expect(message?.ReceiptHandle).toBeDefined();
    expect(await receive(queue.url)).toHaveLength(0); // in flight for 30 s

    // Extend (what a slow handler does), still invisible.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 120,
      }),
    );
    expect(await receive(queue.url)).toHaveLength(0);

    // Release (what a retry-now does): visible again immediately, receive count goes up.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = await receive(queue.url);
    expect(again?.MessageId).toBe(message?.MessageId);
    expect(receiveCount(again)).toBe(2);

    // A message that is visible again can be deleted with the newest receipt handle.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: again?.ReceiptHandle }));
    await sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: again?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      .then(
        () => expect.unreachable("ChangeMessageVisibility on a deleted message should fail"),
        (error: Error) =>
          expect(error.name).toMatch(/ReceiptHandleIsInvalid|InvalidParameterValue|MessageNotInflight/),
      );
    expect(await receive(queue.url)).toHaveLength(0);
  });

  test("RedrivePolicy moves a message to the DLQ after maxReceiveCount receives", async () => {
    const dlq = await createQueue("redrive-dlq");
    const queue = await createQueue("redrive", {
      VisibilityTimeout: "0",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: "2" }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "poison" }));

    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [message] = await receive(queue.url, { max: 1 });
      expect(message?.Body).toBe("poison");
      counts.push(receiveCount(message));
    }
    expect(counts).toEqual([1, 2]);

    // Third receive: count would exceed maxReceiveCount, so the message goes to the DLQ instead.
    expect(await receive(queue.url)).toHaveLength(0);
    const dead = await receive(dlq.url);
    expect(dead.map((m) => m.Body)).toEqual(["poison"]);
  });

  test("FIFO: order within a group, one group in flight at a time, MessageDeduplicationId drops duplicates", async () => {
    const queue = await createQueue("payouts.fifo", { FifoQueue: "true", VisibilityTimeout: "30" });
    expect(queue.url.endsWith(".fifo")).toBe(true);

    const send = (group: string, body: string, dedup: string) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: dedup,
        }),
      );
    const a1 = await send("city-a", "a1", "dedup-a1");
    await send("city-a", "a2", "dedup-a2");
    await send("city-b", "b1", "dedup-b1");
    const duplicate = await send("city-a", "a1 again", "dedup-a1");
    expect(a1.SequenceNumber).toBeDefined();
    expect(duplicate.MessageId).toBeDefined(); // a duplicate is acknowledged, just never delivered

    // One receive may return several messages of a group, but never a later one before an earlier one,
    // and while city-a has a message in flight none of its later messages are handed out.
    const firstBatch = await receive(queue.url, { max: 1 });
    expect(firstBatch.map((m) => m.Body)).toEqual(["a1"]);
    expect(firstBatch[0]?.Attributes?.MessageGroupId).toBe("city-a");
    expect(firstBatch[0]?.Attributes?.MessageDeduplicationId).toBe("dedup-a1");

    const whileA1InFlight = await receive(queue.url);
    expect(whileA1InFlight.map((m) => m.Body)).toEqual(["b1"]);

    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: firstBatch[0]?.ReceiptHandle }),
    );
    const afterA1 = await receive(queue.url);
    expect(afterA1.map((m) => m.Body)).toEqual(["a2"]); // "a1 again" was deduplicated away

    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: afterA1[0]?.ReceiptHandle }),
    );
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: whileA1InFlight[0]?.ReceiptHandle }),
    );
    expect(await receive(queue.url)).toHaveLength(0);

    // The deduplication id is remembered even after its message was received and deleted.
    await send("city-a", "a1 after delete", "dedup-a1");
    expect(await receive(queue.url)).toHaveLength(0);
  });

  test("FIFO without a MessageDeduplicationId (and no content-based dedup) is rejected, as in SQS", async () => {
    const queue = await createQueue("no-dedup.fifo", { FifoQueue: "true" });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "x", MessageGroupId: "g" })),
    ).rejects.toThrow(/deduplication/i);
  });

  test("AWS's character rule: supplementary-plane characters are carried; U+FFFE, U+FFFF and lone surrogates refused", async () => {
    // fauxqs before kibertoad/fauxqs#278 refused every surrogate pair (patches/fauxqs+2.4.1.patch).
    const queue = await createQueue("characters");
    const names = ["𠀋𡈽𪚥科技有限公司", "🚀 创新", "\u{10FFFF}"];
    for (const body of names)
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    const received = await receive(queue.url);
    expect(received.map((m) => m.Body).sort()).toEqual([...names].sort());
    for (const body of ["a\uFFFEb", "a\uFFFFb", "a\uD800b", "a\uDC00b", "a\u0000b"]) {
      await expect(
        sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body })),
      ).rejects.toThrow(/Invalid characters/);
    }
  });

  test("WaitTimeSeconds long-polls: a receive waiting on an empty queue answers with the message sent meanwhile", async () => {
    const queue = await createQueue("long-poll");
    expect(await receive(queue.url)).toHaveLength(0); // empty now

    // Without long polling the receive would come back empty at once; it waits, and the send ends it.
    const polling = receive(queue.url, { wait: 20 });
    await new Promise((resolve) => setImmediate(resolve));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "late" }));
    expect((await polling).map((m) => m.Body)).toEqual(["late"]);
  });
});
