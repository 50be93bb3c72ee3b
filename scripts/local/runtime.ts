/**
 * Local event-source mappings: invoke handler functions the way Lambda's SQS and DynamoDB Streams
 * event source mappings do, against the local engines (fauxqs, DynamoDB Local).
 *
 * SqsEventSource: parallel pollers long-poll ReceiveMessage, invoke with a real-shaped SQSEvent,
 * delete what succeeded (ReportBatchItemFailures semantics) and leave the rest to come back after
 * the visibility timeout; redrive to a DLQ after maxReceiveCount is the queue's job.
 *
 * StreamEventSource: one reader per shard (parents before children), TRIM_HORIZON, event
 * filtering before batching, checkpoint semantics of ReportBatchItemFailures, bounded retries and
 * an on-failure callback, like the DynamoDB Streams mapping with BisectBatchOnFunctionError off.
 *
 * Both report their activity through quietState() so drain.ts can tell when a run has settled.
 */
import { createHash } from "node:crypto";
import {
  DescribeStreamCommand,
  type DescribeStreamCommandOutput,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandOutput,
  type AttributeValue as StreamsAttributeValue,
  type _Record as StreamsRecord,
  TrimmedDataAccessException,
} from "@aws-sdk/client-dynamodb-streams";
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaAttributeValue,
  SQSBatchResponse,
  SQSEvent,
  SQSMessageAttributes,
  SQSRecord,
} from "aws-lambda";
import { LOCAL_REGION, localClientConfig } from "./engines";

// ---------------------------------------------------------------------------------------------
// Shared

/**
 * What a source reports so a caller can tell when everything has settled (see drain.ts).
 * Times are performance.now() milliseconds.
 */
export interface QuietState {
  /** An invocation is running, or records were read and not yet handed to one. */
  busy: boolean;
  /** Last time records were received or an invocation ended; -Infinity if never. */
  lastActivityAt: number;
  /**
   * The earliest, over every poller (SQS) or open shard (stream), of the start time of its latest
   * poll if that poll came back empty; -Infinity while any poller's latest poll returned records or
   * it has not polled yet. An empty poll started after some time T proves nothing was waiting at T.
   */
  emptyPollsSince: number;
}

export interface EventSource {
  readonly name: string;
  start(): Promise<void>;
  /** Graceful: no new polls; resolves when in-flight polls and invocations have finished. */
  stop(): Promise<void>;
  quietState(): QuietState;
}

type BatchResponse = { batchItemFailures?: Array<{ itemIdentifier?: string | null } | null> | null };

/**
 * The failed item identifiers of a ReportBatchItemFailures response, or "all" when Lambda would
 * treat the response as a complete failure: an itemIdentifier that is empty, missing or not in the
 * batch. No response, no batchItemFailures or an empty list is a complete success.
 */
export function failedItems(response: unknown, identifiers: ReadonlySet<string>): Set<string> | "all" {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== "object") return "all";
  const list = (response as BatchResponse).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return "all";
  const failed = new Set<string>();
  for (const item of list) {
    const id = item?.itemIdentifier;
    if (typeof id !== "string" || id === "" || !identifiers.has(id)) return "all";
    failed.add(id);
  }
  return failed;
}

/** A sleep that stop() can cut short. */
class Waker {
  #wake = new Set<() => void>();
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake.add(done);
    });
  }
  wakeAll(): void {
    for (const wake of [...this.#wake]) wake();
  }
}

/** Calls a caller's callback; its throw must not kill a poller (it is kept as lastError instead). */
function notify(callback: () => void, onError: (error: unknown) => void): void {
  try {
    callback();
  } catch (error) {
    onError(error);
  }
}

/** An invocation still running at the function timeout: Lambda stops it and counts it as an error. */
export class InvocationTimeoutError extends Error {
  override readonly name = "InvocationTimeoutError";
}

/**
 * The handler's result, or an InvocationTimeoutError once `timeoutSeconds` have passed, as Lambda ends an
 * invocation at its timeout. The abandoned call cannot be frozen in-process as Lambda freezes it: whatever
 * it still does is like a request that reached the engine just before the kill, which idempotency covers.
 */
export async function withinTimeout<T>(call: () => Promise<T>, timeoutSeconds: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const running = call();
  running.catch(() => {}); // an abandoned invocation's late failure is no one's to handle
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new InvocationTimeoutError(`${what}: still running after its ${timeoutSeconds} s timeout`)),
      timeoutSeconds * 1_000,
    );
  });
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// ---------------------------------------------------------------------------------------------
// SQS

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
  #pollers: Poller[] = [];
  #stopping = false;
  #inFlight = 0;
  #lastActivityAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;
  readonly #waker = new Waker();
  readonly #counters: SqsEventSourceCounters = {
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
      try {
        await this.#invoke(messages);
      } finally {
        this.#inFlight--;
        this.#lastActivityAt = performance.now();
      }
    }
  }

  async #invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((message) => this.#record(message)) };
    this.#counters.batches++;
    this.#counters.records += event.Records.length;
    let response: unknown;
    try {
      const { handler, timeoutSeconds } = this.#options;
      response = await withinTimeout(() => handler(event), timeoutSeconds, `${this.name} invocation`);
    } catch (error) {
      this.#counters.invocationErrors++;
      if (error instanceof InvocationTimeoutError) this.#counters.timeouts++;
      this.#lastError = error;
      notify(
        () => this.#options.onInvocationError?.(error, event),
        (e) => {
          this.#lastError = e;
        },
      );
      return; // nothing deleted: the whole batch comes back after the visibility timeout
    }
    const failed = failedItems(response, new Set(event.Records.map((record) => record.messageId)));
    if (failed === "all") {
      this.#counters.invalidResponses++;
      return;
    }
    this.#counters.failures += failed.size;
    const done = event.Records.filter((record) => !failed.has(record.messageId));
    await this.#delete(done);
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

  #record(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    const body = message.Body ?? "";
    const record: SQSRecord = {
      messageId: message.MessageId ?? "",
      receiptHandle: message.ReceiptHandle ?? "",
      body,
      attributes: {
        ...attributes,
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
        SentTimestamp: attributes.SentTimestamp ?? "",
        SenderId: attributes.SenderId ?? "",
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "",
      },
      messageAttributes: messageAttributes(message),
      md5OfBody: message.MD5OfBody ?? createHash("md5").update(body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: this.#queueArn ?? "",
      awsRegion: this.#options.region ?? LOCAL_REGION,
    };
    if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
    return record;
  }
}

/** SQS message attributes in Lambda's event shape (camelCase, binary as base64, list fields present). */
function messageAttributes(message: Message): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    out[name] = {
      dataType: value.DataType ?? "String",
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString("base64")),
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB Streams

/** The CDK event filter of the relay: inserts of outbox items (entity payout or release). */
export function outboxFilter(record: DynamoDBRecord): boolean {
  const entity = record.dynamodb?.NewImage?.entity?.S;
  return record.eventName === "INSERT" && (entity === "payout" || entity === "release");
}

export interface StreamFailure {
  shardId: string;
  /** The records given up on (the batch that was being retried). */
  records: DynamoDBRecord[];
  /** Invocations of that batch, the last one included. */
  attempts: number;
  /** The error thrown by the last invocation, if it threw (otherwise it reported batchItemFailures). */
  error?: unknown;
}

export interface StreamEventSourceOptions {
  streamArn: string;
  /** A DynamoDB Streams client, or the DynamoDB Local endpoint to build one for. */
  client?: Pick<DynamoDBStreamsClient, "send">;
  endpoint?: string;
  /** Records per invocation, after filtering. Default 100. */
  batchSize?: number;
  /** Records that do not match are skipped (and checkpointed past) without an invocation. */
  filter?: (record: DynamoDBRecord) => boolean;
  /**
   * Retries of a failing batch before it is given up on and passed to onFailure; Infinity (default,
   * Lambda's -1) retries until stop(). A retry starts at the first failed record.
   */
  retryAttempts?: number;
  /** First retry delay, doubled per attempt up to 2 s. Default 100 ms. */
  retryDelayMs?: number;
  /** Delay before reading an open shard again after an empty GetRecords. Default 100 ms. */
  idleDelayMs?: number;
  /** How often to DescribeStream for new (child) shards. Default 1 s. */
  shardRefreshMs?: number;
  /** Records per GetRecords call (1–1000). Default 1000. */
  readLimit?: number;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** The function's timeout: an invocation still running then is stopped, and the batch retried. */
  timeoutSeconds: number;
  onFailure?: (failure: StreamFailure) => void;
  /** Called for each invocation that threw. */
  onInvocationError?: (error: unknown, event: DynamoDBStreamEvent) => void;
  name?: string;
}

export interface StreamEventSourceCounters {
  /** Invocations. */
  batches: number;
  /** Records handed to invocations (retries counted again). */
  records: number;
  /** Records read from the stream. */
  read: number;
  /** Records dropped by the filter. */
  filteredOut: number;
  /** Records reported in batchItemFailures. */
  failures: number;
  /** Invocations that threw or timed out. */
  invocationErrors: number;
  /** Of those, invocations stopped at the function timeout. */
  timeouts: number;
  /** Responses Lambda would treat as a complete failure (bad itemIdentifier). */
  invalidResponses: number;
  /** Retried invocations. */
  retries: number;
  /** Records given up on after retryAttempts (passed to onFailure). */
  discarded: number;
  /** Failed DescribeStream / GetShardIterator / GetRecords calls. */
  pollErrors: number;
  /** Shards read to their end (closed) */
  shardsFinished: number;
}

interface ShardState {
  shardId: string;
  parentShardId: string | undefined;
  started: boolean;
  /** Closed and every record handled: children may start. */
  finished: boolean;
  iterator: string | undefined;
  lastReadSequence: string | undefined;
  /** Filtered records read and not yet checkpointed past. */
  pending: DynamoDBRecord[];
  emptySince: number;
}

export class StreamEventSource implements EventSource {
  readonly name: string;
  readonly #options: StreamEventSourceOptions;
  #client: Pick<DynamoDBStreamsClient, "send">;
  #ownsClient: DynamoDBStreamsClient | undefined;
  readonly #batchSize: number;
  readonly #retryAttempts: number;
  readonly #shards = new Map<string, ShardState>();
  readonly #workers = new Set<Promise<void>>();
  readonly #waker = new Waker();
  #discovery: Promise<void> | undefined;
  #stopping = false;
  #inFlight = 0;
  #describing = 0;
  #lastActivityAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;
  readonly #counters: StreamEventSourceCounters = {
    batches: 0,
    records: 0,
    read: 0,
    filteredOut: 0,
    failures: 0,
    invocationErrors: 0,
    timeouts: 0,
    invalidResponses: 0,
    retries: 0,
    discarded: 0,
    pollErrors: 0,
    shardsFinished: 0,
  };

  constructor(options: StreamEventSourceOptions) {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new Error(`StreamEventSource: batchSize must be an integer 1–10000, got ${batchSize}`);
    }
    const retryAttempts = options.retryAttempts ?? Number.POSITIVE_INFINITY;
    if (!(retryAttempts >= 0)) {
      throw new Error(`StreamEventSource: retryAttempts must be ≥ 0, got ${retryAttempts}`);
    }
    if (!options.client && !options.endpoint)
      throw new Error("StreamEventSource: give a client or an endpoint");
    this.#options = options;
    this.#client = options.client ?? this.#ownClient();
    this.#batchSize = batchSize;
    this.#retryAttempts = retryAttempts;
    this.name = options.name ?? options.streamArn.split(":table/").at(-1) ?? options.streamArn;
  }

  get counters(): Readonly<StreamEventSourceCounters> {
    return { ...this.#counters };
  }

  get lastError(): unknown {
    return this.#lastError;
  }

  /** Known shards and how far each got, for diagnostics. */
  shards(): Array<{ shardId: string; parentShardId?: string; finished: boolean; pending: number }> {
    return [...this.#shards.values()].map((s) => ({
      shardId: s.shardId,
      ...(s.parentShardId ? { parentShardId: s.parentShardId } : {}),
      finished: s.finished,
      pending: s.pending.length,
    }));
  }

  /** Resolves after the first DescribeStream, with a reader started on every shard that may start. */
  async start(): Promise<void> {
    if (this.#discovery) throw new Error(`StreamEventSource ${this.name}: already started`);
    this.#stopping = false;
    if (!this.#options.client && !this.#ownsClient) this.#client = this.#ownClient();
    await this.#describe();
    this.#startEligible();
    this.#discovery = this.#discover();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#waker.wakeAll();
    await this.#discovery;
    while (this.#workers.size > 0) await Promise.all([...this.#workers]);
    this.#discovery = undefined;
    // Readers resume from where they stopped if start() is called again.
    for (const shard of this.#shards.values()) shard.started = shard.finished;
    this.#ownsClient?.destroy();
    this.#ownsClient = undefined;
  }

  #ownClient(): DynamoDBStreamsClient {
    this.#ownsClient = new DynamoDBStreamsClient(localClientConfig(this.#options.endpoint ?? ""));
    return this.#ownsClient;
  }

  quietState(): QuietState {
    let busy = this.#inFlight > 0 || this.#describing > 0;
    // No shard known yet (not started): nothing has been looked at. Finished shards get no new records.
    let emptyPollsSince = this.#shards.size === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const shard of this.#shards.values()) {
      if (shard.finished) continue;
      if (shard.pending.length > 0) busy = true;
      emptyPollsSince = Math.min(emptyPollsSince, shard.emptySince);
    }
    return { busy, lastActivityAt: this.#lastActivityAt, emptyPollsSince };
  }

  async #discover(): Promise<void> {
    const every = this.#options.shardRefreshMs ?? 1_000;
    while (!this.#stopping) {
      await this.#waker.sleep(every);
      if (this.#stopping) break;
      try {
        await this.#describe();
      } catch (error) {
        this.#counters.pollErrors++;
        this.#lastError = error;
      }
      this.#startEligible();
    }
  }

  async #describe(): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const output: DescribeStreamCommandOutput = await this.#client.send(
        new DescribeStreamCommand({
          StreamArn: this.#options.streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
      );
      for (const shard of output.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.#shards.has(shard.ShardId)) continue;
        this.#shards.set(shard.ShardId, {
          shardId: shard.ShardId,
          parentShardId: shard.ParentShardId,
          started: false,
          finished: false,
          iterator: undefined,
          lastReadSequence: undefined,
          pending: [],
          emptySince: Number.NEGATIVE_INFINITY,
        });
      }
      exclusiveStartShardId = output.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  /** Starts readers on shards whose parent is finished or no longer listed (trimmed). */
  #startEligible(): void {
    if (this.#stopping) return;
    for (const shard of this.#shards.values()) {
      if (shard.started) continue;
      const parent = shard.parentShardId ? this.#shards.get(shard.parentShardId) : undefined;
      if (parent && !parent.finished) continue;
      shard.started = true;
      const worker = this.#read(shard).catch((error: unknown) => {
        // #read handles its own errors; this is a bug guard, not a path.
        this.#lastError = error;
      });
      this.#workers.add(worker);
      void worker.finally(() => this.#workers.delete(worker));
    }
  }

  async #iterator(shard: ShardState): Promise<string | undefined> {
    const output: GetShardIteratorCommandOutput = await this.#client.send(
      new GetShardIteratorCommand({
        StreamArn: this.#options.streamArn,
        ShardId: shard.shardId,
        ...(shard.lastReadSequence
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: shard.lastReadSequence }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return output.ShardIterator;
  }

  async #read(shard: ShardState): Promise<void> {
    let needIterator = shard.iterator === undefined && shard.lastReadSequence === undefined;
    let failures = 0;
    let errorsInRow = 0;
    while (!this.#stopping) {
      if (shard.pending.length === 0) {
        // Read more, unless the shard is closed and read to its end.
        try {
          if (needIterator) {
            shard.iterator = await this.#iterator(shard);
            needIterator = false;
          }
          if (shard.iterator === undefined) {
            // Closed and read to its end: look for its children now rather than at the next refresh.
            this.#describing++;
            try {
              shard.finished = true;
              this.#counters.shardsFinished++;
              await this.#describe().catch((error: unknown) => {
                this.#counters.pollErrors++;
                this.#lastError = error;
              });
              this.#startEligible();
            } finally {
              this.#describing--;
            }
            return;
          }
          const started = performance.now();
          const output: GetRecordsCommandOutput = await this.#client.send(
            new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.#options.readLimit ?? 1_000 }),
          );
          errorsInRow = 0;
          const records = output.Records ?? [];
          if (records.length === 0) {
            shard.iterator = output.NextShardIterator;
            shard.emptySince = started;
            if (shard.iterator !== undefined) await this.#waker.sleep(this.#options.idleDelayMs ?? 100);
            continue;
          }
          const converted = records.map((raw) => lambdaStreamRecord(raw, this.#options.streamArn));
          const filter = this.#options.filter;
          const accepted = filter ? converted.filter((record) => filter(record)) : converted;
          // Only now, with nothing left to throw, does the reader move on.
          shard.iterator = output.NextShardIterator;
          shard.emptySince = Number.NEGATIVE_INFINITY;
          shard.lastReadSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastReadSequence;
          shard.pending.push(...accepted);
          this.#counters.read += records.length;
          this.#counters.filteredOut += records.length - accepted.length;
          this.#lastActivityAt = performance.now();
        } catch (error) {
          this.#lastError = error;
          if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
            if (error instanceof TrimmedDataAccessException) shard.lastReadSequence = undefined;
            needIterator = true;
            continue;
          }
          this.#counters.pollErrors++;
          shard.emptySince = Number.NEGATIVE_INFINITY;
          errorsInRow++;
          await this.#waker.sleep(Math.min(100 * 2 ** errorsInRow, 2_000));
          continue;
        }
        continue;
      }

      const batch = shard.pending.slice(0, this.#batchSize);
      const outcome = await this.#invoke(batch);
      if (outcome.failedFrom === undefined) {
        shard.pending.splice(0, batch.length);
        failures = 0;
        continue;
      }
      // Checkpoint up to the first failed record; retry from there.
      if (outcome.failedFrom > 0) {
        shard.pending.splice(0, outcome.failedFrom);
        failures = 1;
      } else {
        failures++;
      }
      if (failures > this.#retryAttempts) {
        const given = batch.slice(outcome.failedFrom);
        shard.pending.splice(0, given.length);
        this.#counters.discarded += given.length;
        const failure: StreamFailure = {
          shardId: shard.shardId,
          records: given,
          attempts: failures,
          ...(outcome.error === undefined ? {} : { error: outcome.error }),
        };
        notify(
          () => this.#options.onFailure?.(failure),
          (e) => {
            this.#lastError = e;
          },
        );
        failures = 0;
        continue;
      }
      this.#counters.retries++;
      await this.#waker.sleep(Math.min((this.#options.retryDelayMs ?? 100) * 2 ** (failures - 1), 2_000));
    }
  }

  /** failedFrom: index in the batch of the first failed record, undefined when all succeeded. */
  async #invoke(batch: DynamoDBRecord[]): Promise<{ failedFrom?: number; error?: unknown }> {
    const event: DynamoDBStreamEvent = { Records: batch };
    this.#counters.batches++;
    this.#counters.records += batch.length;
    this.#inFlight++;
    this.#lastActivityAt = performance.now();
    try {
      let response: unknown;
      try {
        const { handler, timeoutSeconds } = this.#options;
        response = await withinTimeout(() => handler(event), timeoutSeconds, `${this.name} invocation`);
      } catch (error) {
        this.#counters.invocationErrors++;
        if (error instanceof InvocationTimeoutError) this.#counters.timeouts++;
        this.#lastError = error;
        notify(
          () => this.#options.onInvocationError?.(error, event),
          (e) => {
            this.#lastError = e;
          },
        );
        return { failedFrom: 0, error };
      }
      const sequences = batch.map((record) => record.dynamodb?.SequenceNumber ?? "");
      const failed = failedItems(response, new Set(sequences));
      if (failed === "all") {
        this.#counters.invalidResponses++;
        this.#lastError = new Error(`invalid batch response: ${JSON.stringify(response)}`);
        return { failedFrom: 0 };
      }
      if (failed.size === 0) return {};
      this.#counters.failures += failed.size;
      return { failedFrom: sequences.findIndex((sequence) => failed.has(sequence)) };
    } finally {
      this.#inFlight--;
      this.#lastActivityAt = performance.now();
    }
  }

  describeState(): string {
    const shards = this.shards()
      .map((s) => `${s.shardId}${s.finished ? " (finished)" : ""}: ${s.pending} pending`)
      .join("; ");
    return `${this.name}: ${this.#inFlight} in flight; ${shards || "no shards"}${
      this.#lastError ? `; last error ${errorText(this.#lastError)}` : ""
    }`;
  }
}

/** A DynamoDB Streams API record in the shape Lambda hands to a function. */
export function lambdaStreamRecord(record: StreamsRecord, streamArn: string): DynamoDBRecord {
  const source = record.dynamodb ?? {};
  const dynamodb: NonNullable<DynamoDBRecord["dynamodb"]> = {};
  if (source.ApproximateCreationDateTime !== undefined) {
    // The API (and the SDK) give a timestamp; Lambda events carry epoch seconds.
    dynamodb.ApproximateCreationDateTime = Math.floor(
      new Date(source.ApproximateCreationDateTime).getTime() / 1000,
    );
  }
  if (source.Keys) dynamodb.Keys = lambdaImage(source.Keys);
  if (source.NewImage) dynamodb.NewImage = lambdaImage(source.NewImage);
  if (source.OldImage) dynamodb.OldImage = lambdaImage(source.OldImage);
  if (source.SequenceNumber !== undefined) dynamodb.SequenceNumber = source.SequenceNumber;
  if (source.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source.StreamViewType !== undefined) dynamodb.StreamViewType = source.StreamViewType;
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? "aws:dynamodb",
    awsRegion: record.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
  };
  if (record.userIdentity) out.userIdentity = record.userIdentity;
  return out;
}

function lambdaImage(image: Record<string, StreamsAttributeValue>): Record<string, LambdaAttributeValue> {
  const out: Record<string, LambdaAttributeValue> = {};
  for (const [name, value] of Object.entries(image)) out[name] = lambdaAttribute(value);
  return out;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

/** SDK attribute values (binary as Uint8Array) to Lambda's JSON form (binary as base64). */
function lambdaAttribute(value: StreamsAttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(lambdaAttribute) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  // DynamoDB Local's stream writes an empty map as {} (no "M" tag); DynamoDB sends {"M": {}}.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`unknown DynamoDB attribute value: ${JSON.stringify(value)}`);
}
