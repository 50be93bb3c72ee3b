/**
 * Lambda's SQS event source mapping, locally: parallel pollers long-poll ReceiveMessage, invoke with a
 * real-shaped SQSEvent, delete what succeeded (ReportBatchItemFailures semantics) and leave the rest to come
 * back after the visibility timeout; redrive to a DLQ after maxReceiveCount is the queue's job.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { LOCAL_REGION } from "./engines";
import {
  type ConcurrencyLimit,
  type EventSource,
  errorText,
  failedItems,
  invoke,
  type QuietState,
  Waker,
} from "./invocation";
import { lambdaSqsRecord } from "./records";

export interface SqsEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** eventSourceARN of the records; looked up with GetQueueAttributes at start() when omitted. */
  queueArn?: string;
  /** Records per invocation, 1–10 (one ReceiveMessage). Default 10. */
  batchSize?: number;
  /** Passed as ReceiveMessage VisibilityTimeout; default: the queue's own, as Lambda does. */
  visibilityTimeoutSeconds?: number;
  /**
   * The function's timeout: an invocation still running then is stopped and its batch comes back after
   * the visibility timeout. Lambda refuses a mapping whose function timeout exceeds the queue's
   * visibility timeout, so start() does too.
   */
  timeoutSeconds: number;
  /** Parallel pollers, each running at most one invocation at a time. Default 2. */
  maxConcurrency?: number;
  /** Invocations shared with other sources of the same function (its concurrency); none by default. */
  limit?: ConcurrencyLimit;
  /** Long-poll wait per ReceiveMessage, 0–20 s. Default 1: short enough for a quick stop(). */
  waitTimeSeconds?: number;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** awsRegion of the records. Default LOCAL_REGION. */
  region?: string;
  /** Label for messages. Default: the queue name. */
  name?: string;
  /** Called for each invocation that threw (the whole batch then comes back after the visibility timeout). */
  onInvocationError?: (error: unknown, event: SQSEvent) => void;
}

export interface SqsEventSourceCounters {
  /** Invocations. */
  batches: number;
  /** Records handed to invocations (redeliveries counted again). */
  records: number;
  /** Records reported in batchItemFailures. */
  failures: number;
  /** Invocations that threw or timed out: nothing was deleted. */
  invocationErrors: number;
  /** Of those, invocations stopped at the function timeout. */
  timeouts: number;
  /** Responses Lambda would treat as a complete failure (bad itemIdentifier): nothing was deleted. */
  invalidResponses: number;
  /** Records deleted after their invocation. */
  deleted: number;
  /** DeleteMessageBatch entries that failed (e.g. receipt handle expired after the visibility timeout). */
  deleteErrors: number;
  /** ReceiveMessage calls that failed. */
  pollErrors: number;
}

export const EMPTY_COUNTERS: Readonly<SqsEventSourceCounters> = {
  batches: 0,
  records: 0,
  failures: 0,
  invocationErrors: 0,
  timeouts: 0,
  invalidResponses: 0,
  deleted: 0,
  deleteErrors: 0,
  pollErrors: 0,
};

interface Poller {
  /** Start time of the latest poll if it was empty; -Infinity otherwise. */
  emptySince: number;
}

export class SqsEventSource implements EventSource {
  readonly name: string;
  readonly queueUrl: string;
  readonly #options: SqsEventSourceOptions;
  readonly #batchSize: number;
  readonly #maxConcurrency: number;
  readonly #waitTimeSeconds: number;
  #queueArn: string | undefined;
  #running: Promise<void>[] = [];
  readonly #decided = new Set<string>();
  readonly #failures = new Map<string, number>();
  #pollers: Poller[] = [];
  #stopping = false;
  #inFlight = 0;
  #lastActivityAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;
  readonly #keepError = (error: unknown): void => {
    this.#lastError = error;
  };
  readonly #waker = new Waker();
  readonly #counters: SqsEventSourceCounters = { ...EMPTY_COUNTERS };

  constructor(options: SqsEventSourceOptions) {
    const batchSize = options.batchSize ?? 10;
    const maxConcurrency = options.maxConcurrency ?? 2;
    const waitTimeSeconds = options.waitTimeSeconds ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new Error(`SqsEventSource: batchSize must be an integer 1–10, got ${batchSize}`);
    }
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new Error(`SqsEventSource: maxConcurrency must be a positive integer, got ${maxConcurrency}`);
    }
    if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
      throw new Error(`SqsEventSource: waitTimeSeconds must be an integer 0–20, got ${waitTimeSeconds}`);
    }
    if (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 1) {
      throw new Error(
        `SqsEventSource: timeoutSeconds must be a whole number ≥ 1, got ${options.timeoutSeconds}`,
      );
    }
    this.#options = options;
    this.#batchSize = batchSize;
    this.#maxConcurrency = maxConcurrency;
    this.#waitTimeSeconds = waitTimeSeconds;
    this.#queueArn = options.queueArn;
    this.queueUrl = options.queueUrl;
    this.name = options.name ?? options.queueUrl.split("/").at(-1) ?? options.queueUrl;
  }

  get counters(): Readonly<SqsEventSourceCounters> {
    return { ...this.#counters };
  }

  /** The last poll, invocation or delete error, for diagnostics. */
  get lastError(): unknown {
    return this.#lastError;
  }

  async start(): Promise<void> {
    if (this.#running.length > 0) throw new Error(`SqsEventSource ${this.name}: already started`);
    const { Attributes } = await this.#options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.#options.queueUrl,
        AttributeNames: ["QueueArn", "VisibilityTimeout"],
      }),
    );
    this.#queueArn ??= Attributes?.QueueArn;
    if (!this.#queueArn) throw new Error(`SqsEventSource ${this.name}: queue has no QueueArn`);
    const visibility = this.#options.visibilityTimeoutSeconds ?? Number(Attributes?.VisibilityTimeout);
    if (this.#options.timeoutSeconds > visibility) {
      throw new Error(
        `SqsEventSource ${this.name}: the function timeout (${this.#options.timeoutSeconds} s) exceeds the queue's visibility timeout (${visibility} s); Lambda refuses such a mapping, since a batch would be delivered again while it still runs`,
      );
    }
    this.#stopping = false;
    this.#pollers = Array.from({ length: this.#maxConcurrency }, () => ({
      emptySince: Number.NEGATIVE_INFINITY,
    }));
    this.#running = this.#pollers.map((poller) => this.#poll(poller));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#waker.wakeAll();
    await Promise.all(this.#running);
    this.#running = [];
  }

  quietState(): QuietState {
    let emptyPollsSince = this.#pollers.length === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const poller of this.#pollers) emptyPollsSince = Math.min(emptyPollsSince, poller.emptySince);
    return { busy: this.#inFlight > 0, lastActivityAt: this.#lastActivityAt, emptyPollsSince };
  }

  describeState(): string {
    const c = this.#counters;
    return `${this.name}: ${this.#inFlight} in flight; ${c.batches} batches, ${c.records} records, ${c.failures} failed, ${
      c.invocationErrors
    } invocation errors${this.#lastError ? `; last error ${errorText(this.#lastError)}` : ""}`;
  }

  async #poll(poller: Poller): Promise<void> {
    let failures = 0;
    const limit = this.#options.limit;
    while (!this.#stopping) {
      const started = performance.now();
      let messages: Message[];
      try {
        const output = await this.#options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#options.queueUrl,
            MaxNumberOfMessages: this.#batchSize,
            WaitTimeSeconds: this.#waitTimeSeconds,
            ...(this.#options.visibilityTimeoutSeconds === undefined
              ? {}
              : { VisibilityTimeout: this.#options.visibilityTimeoutSeconds }),
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
        );
        messages = output.Messages ?? [];
        failures = 0;
      } catch (error) {
        this.#counters.pollErrors++;
        this.#lastError = error;
        poller.emptySince = Number.NEGATIVE_INFINITY;
        failures++;
        await this.#waker.sleep(Math.min(100 * 2 ** failures, 2_000));
        continue;
      }
      if (messages.length === 0) {
        poller.emptySince = started;
        continue;
      }
      poller.emptySince = Number.NEGATIVE_INFINITY;
      // Marked busy before anything else can observe this poller, and kept until deletes are done.
      this.#inFlight++;
      this.#lastActivityAt = performance.now();
      const release = limit ? await limit.acquire() : () => {};
      try {
        await this.#invoke(messages);
      } finally {
        release();
        this.#inFlight--;
        this.#lastActivityAt = performance.now();
      }
    }
  }

  async #invoke(messages: Message[]): Promise<void> {
    const arn = this.#queueArn ?? "";
    const region = this.#options.region ?? LOCAL_REGION;
    const event: SQSEvent = { Records: messages.map((message) => lambdaSqsRecord(message, arn, region)) };
    this.#counters.batches++;
    this.#counters.records += event.Records.length;
    const result = await invoke(this.#options, event, this.name, this.#counters, this.#keepError);
    // Powertools throws this when every record failed: each is a reported failure, as Lambda reads it.
    if (!result.ok && (result.error as Error)?.name === "FullBatchFailureError") {
      for (const record of event.Records) this.#failed(record.messageId);
    }
    // Nothing deleted when it threw: the whole batch comes back after the visibility timeout.
    if (!result.ok) return;
    const response = result.response;
    const failed = failedItems(response, new Set(event.Records.map((record) => record.messageId)));
    if (failed === "all") {
      this.#counters.invalidResponses++;
      return;
    }
    this.#counters.failures += failed.size;
    for (const id of failed) this.#failed(id);
    const done = event.Records.filter((record) => !failed.has(record.messageId));
    await this.#delete(done);
    for (const record of done) this.#decided.add(record.messageId);
  }

  /**
   * Whether this message is decided: handled and deleted, or reported failed twice — a fact
   * waiting for what it names fails on every delivery, while one that lost a race to concurrent workers
   * almost always goes through when it comes back. What an order-dependent fact waits on before it is
   * sent (stack.ts, publish). An invocation stopped at its timeout decides nothing.
   */
  decided(messageId: string): boolean {
    return this.#decided.has(messageId);
  }

  #failed(messageId: string): void {
    const times = (this.#failures.get(messageId) ?? 0) + 1;
    this.#failures.set(messageId, times);
    if (times >= 2) this.#decided.add(messageId);
  }

  async #delete(records: SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      try {
        const output = await this.#options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#options.queueUrl,
            Entries: chunk.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
        this.#counters.deleted += output.Successful?.length ?? 0;
        this.#counters.deleteErrors += output.Failed?.length ?? 0;
        if (output.Failed?.length) this.#lastError = new Error(JSON.stringify(output.Failed));
      } catch (error) {
        this.#counters.deleteErrors += chunk.length;
        this.#lastError = error;
      }
    }
  }
}
