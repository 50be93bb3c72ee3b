/**
 * Knowing when a local run has settled, and emptying queues afterwards.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { QuietState } from "./invocation";

export interface QuietSource {
  readonly name: string;
  quietState(): QuietState;
  /**
   * The queue an SQS source consumes. When set (and waitUntilQuiet has an sqs client) the queue's
   * own counters stand in for the pollers' empty polls: an idle source with an empty queue has
   * nothing to do, without waiting for every long poll to come back.
   */
  readonly queueUrl?: string;
  /** Optional extra detail for the timeout message. */
  describeState?(): string;
}

export interface WaitUntilQuietOptions {
  sources: QuietSource[];
  /** Needed when queueUrls is not empty. */
  sqs?: SQSClient;
  /** Queues that must hold no visible, in-flight or delayed message. */
  queueUrls?: string[];
  /** How long every source must have been idle after the last activity anywhere. Default 200 ms. */
  quietMs?: number;
  /** Default 60 s. */
  timeoutMs?: number;
  /** How often to look. Default 25 ms. */
  checkEveryMs?: number;
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** ApproximateNumberOfMessages / …NotVisible / …Delayed of a queue. */
export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/**
 * Resolves once the sources and queues have settled:
 * - no source is busy (no invocation running, no records read and not yet handed to one);
 * - every poller of every source without a queue to ask (a stream reader) has, since the later of
 *   this call and the last activity of any source, started a poll that came back empty (so a
 *   write made by one source, e.g. ingest writing an outbox item, has been looked for by it);
 * - that last activity is at least quietMs ago;
 * - every listed queue, and the queue of every SQS source, reports 0 visible, 0 in-flight and 0
 *   delayed messages (a batch that failed is in flight until its visibility timeout, so this
 *   waits for redeliveries and dead-lettering; a message received and not yet handled is in flight).
 * Resolves with the time waited; rejects after timeoutMs with what was still going on.
 */
export async function waitUntilQuiet(options: WaitUntilQuietOptions): Promise<{ waitedMs: number }> {
  const quietMs = options.quietMs ?? 200;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const checkEveryMs = options.checkEveryMs ?? 25;
  if ((options.queueUrls ?? []).length > 0 && !options.sqs) {
    throw new Error("waitUntilQuiet: queueUrls given without sqs");
  }
  const queueBacked = (source: QuietSource): boolean =>
    options.sqs !== undefined && source.queueUrl !== undefined;
  const queueUrls = [
    ...new Set([
      ...(options.queueUrls ?? []),
      ...options.sources.filter(queueBacked).map((source) => source.queueUrl as string),
    ]),
  ];
  const calledAt = performance.now();
  const deadline = calledAt + timeoutMs;
  let lastReason = "";

  for (;;) {
    const now = performance.now();
    const states = options.sources.map((source) => ({ source, state: source.quietState() }));
    const lastActivity = Math.max(calledAt, ...states.map(({ state }) => state.lastActivityAt));
    const busy = states.filter(
      ({ source, state }) => state.busy || (!queueBacked(source) && state.emptyPollsSince < lastActivity),
    );
    if (busy.length > 0) {
      lastReason = `sources not idle: ${busy.map(({ source }) => source.describeState?.() ?? source.name).join(" | ")}`;
    } else if (now - lastActivity < quietMs) {
      lastReason = `last activity ${Math.round(now - lastActivity)} ms ago (< ${quietMs} ms)`;
    } else {
      const counts = await Promise.all(
        queueUrls.map(async (url) => ({ url, counts: await queueCounts(options.sqs as SQSClient, url) })),
      );
      const waiting = counts.filter(({ counts: c }) => c.visible + c.inFlight + c.delayed > 0);
      // Nothing may have happened while the queues were being asked.
      const unchanged = options.sources.every((source, index) => {
        const before = states[index]?.state;
        const after = source.quietState();
        return !after.busy && after.lastActivityAt === before?.lastActivityAt;
      });
      if (waiting.length === 0 && unchanged) return { waitedMs: Math.round(performance.now() - calledAt) };
      lastReason =
        waiting.length > 0
          ? `queues not empty: ${waiting
              .map(
                ({ url, counts: c }) =>
                  `${url.split("/").at(-1)} (${c.visible} visible, ${c.inFlight} in flight, ${c.delayed} delayed)`,
              )
              .join(", ")}`
          : "activity while checking the queues";
    }
    if (performance.now() >= deadline) {
      throw new Error(`waitUntilQuiet: not quiet after ${timeoutMs} ms: ${lastReason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, checkEveryMs));
  }
}

/** Receives and deletes until a receive comes back empty; returns the bodies in receive order. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) bodies.push(message.Body ?? "");
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    if (Failed.length > 0) throw new Error(`drainQueue: delete failed: ${JSON.stringify(Failed)}`);
  }
}
