/**
 * Lambda's DynamoDB Streams event source mapping, locally: one reader per shard (parents before children),
 * TRIM_HORIZON, event filtering before batching, checkpoint semantics of ReportBatchItemFailures, bounded
 * retries and an on-failure callback, like the mapping with BisectBatchOnFunctionError off.
 */
import {
  DescribeStreamCommand,
  type DescribeStreamCommandOutput,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandOutput,
  type _Record as StreamsRecord,
  TrimmedDataAccessException,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { localClientConfig } from "./engines";
import {
  type EventSource,
  errorText,
  failedItems,
  invoke,
  notify,
  type QuietState,
  Waker,
} from "./invocation";
import { lambdaStreamRecord } from "./records";

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

/** A shard reader's state between its reads and invocations. */
interface Reader {
  shard: ShardState;
  needIterator: boolean;
  /** Failed invocations in a row of the batch at the head of `pending`. */
  failures: number;
  /** Failed reads in a row (they back off). */
  readErrors: number;
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
  readonly #keepError = (error: unknown): void => {
    this.#lastError = error;
  };
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
    const reader: Reader = {
      shard,
      needIterator: shard.iterator === undefined && shard.lastReadSequence === undefined,
      failures: 0,
      readErrors: 0,
    };
    while (!this.#stopping) {
      if (shard.pending.length > 0) await this.#deliver(reader);
      else if ((await this.#fetch(reader)) === "end") return;
    }
  }

  /** Reads the shard's next records into `pending`; "end" once it is closed and read to its end. */
  async #fetch(reader: Reader): Promise<"read" | "end"> {
    const { shard } = reader;
    try {
      if (reader.needIterator) {
        shard.iterator = await this.#iterator(shard);
        reader.needIterator = false;
      }
      if (shard.iterator === undefined) {
        await this.#finish(shard);
        return "end";
      }
      const started = performance.now();
      const output: GetRecordsCommandOutput = await this.#client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.#options.readLimit ?? 1_000 }),
      );
      reader.readErrors = 0;
      const records = output.Records ?? [];
      if (records.length > 0) {
        this.#accept(shard, records, output.NextShardIterator);
        return "read";
      }
      shard.iterator = output.NextShardIterator;
      shard.emptySince = started;
      if (shard.iterator !== undefined) await this.#waker.sleep(this.#options.idleDelayMs ?? 100);
    } catch (error) {
      this.#lastError = error;
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        if (error instanceof TrimmedDataAccessException) shard.lastReadSequence = undefined;
        reader.needIterator = true;
        return "read";
      }
      this.#counters.pollErrors++;
      shard.emptySince = Number.NEGATIVE_INFINITY;
      reader.readErrors++;
      await this.#waker.sleep(Math.min(100 * 2 ** reader.readErrors, 2_000));
    }
    return "read";
  }

  /** Converts and filters what was read; the reader moves on only once nothing is left to throw. */
  #accept(shard: ShardState, records: StreamsRecord[], next: string | undefined): void {
    const converted = records.map((raw) => lambdaStreamRecord(raw, this.#options.streamArn));
    const filter = this.#options.filter;
    const accepted = filter ? converted.filter((record) => filter(record)) : converted;
    shard.iterator = next;
    shard.emptySince = Number.NEGATIVE_INFINITY;
    shard.lastReadSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastReadSequence;
    shard.pending.push(...accepted);
    this.#counters.read += records.length;
    this.#counters.filteredOut += records.length - accepted.length;
    this.#lastActivityAt = performance.now();
  }

  /** Closed and read to its end: look for its children now rather than at the next refresh. */
  async #finish(shard: ShardState): Promise<void> {
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
  }

  /** Invokes with the head of `pending`: checkpoints past what succeeded, retries or gives up the rest. */
  async #deliver(reader: Reader): Promise<void> {
    const { shard } = reader;
    const batch = shard.pending.slice(0, this.#batchSize);
    const outcome = await this.#invoke(batch);
    if (outcome.failedFrom === undefined) {
      shard.pending.splice(0, batch.length);
      reader.failures = 0;
      return;
    }
    // Checkpoint up to the first failed record; retry from there.
    if (outcome.failedFrom > 0) {
      shard.pending.splice(0, outcome.failedFrom);
      reader.failures = 1;
    } else {
      reader.failures++;
    }
    if (reader.failures > this.#retryAttempts) {
      this.#giveUp(shard, batch.slice(outcome.failedFrom), reader.failures, outcome.error);
      reader.failures = 0;
      return;
    }
    this.#counters.retries++;
    const delay = (this.#options.retryDelayMs ?? 100) * 2 ** (reader.failures - 1);
    await this.#waker.sleep(Math.min(delay, 2_000));
  }

  /** Retries exhausted: the records are passed over, to onFailure (Lambda's on-failure destination). */
  #giveUp(shard: ShardState, given: DynamoDBRecord[], attempts: number, error: unknown): void {
    shard.pending.splice(0, given.length);
    this.#counters.discarded += given.length;
    const failure: StreamFailure = {
      shardId: shard.shardId,
      records: given,
      attempts,
      ...(error === undefined ? {} : { error }),
    };
    notify(() => this.#options.onFailure?.(failure), this.#keepError);
  }

  /** failedFrom: index in the batch of the first failed record, undefined when all succeeded. */
  async #invoke(batch: DynamoDBRecord[]): Promise<{ failedFrom?: number; error?: unknown }> {
    const event: DynamoDBStreamEvent = { Records: batch };
    this.#counters.batches++;
    this.#counters.records += batch.length;
    this.#inFlight++;
    this.#lastActivityAt = performance.now();
    try {
      const result = await invoke(this.#options, event, this.name, this.#counters, this.#keepError);
      if (!result.ok) return { failedFrom: 0, error: result.error };
      const response = result.response;
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
