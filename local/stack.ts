/**
 * A city's stack on this machine: its table and queues made from its synthesised template on the local
 * engines, and the unchanged handler modules driven the way Lambda's event source mappings drive them (SQS
 * polling with partial batch failures and redrive; stream polling for the relay). Used by `npm start` and
 * the reliability suite.
 */
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteQueueCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parseMessage } from "../shared/contract";
import { type Reconciliation, reconcileLedger } from "../shared/decisions/lifecycle/reconcile";
import type { PayoutMessage, ReleaseMessage } from "../shared/decisions/payouts";
import { decideLoading } from "../shared/decisions/run";
import { DynamoLedger } from "../shared/ledger/dynamo-ledger";
import type { CityPolicy } from "../shared/policy/city";
import { ownerOf, replayDelivery } from "../shared/policy/publishers";
import { type RefusedLine, type StreamLine, sqsRefusal, streamOf } from "../shared/simulate/lines";
import type { DeadLetter, RejectionRecord } from "../shared/simulate/records";
import { drainQueue, waitUntilQuiet } from "./drain";
import { localClientConfig } from "./engines";
import { eventFilter } from "./event-filter";
import {
  type IngestHandler,
  type LocalHandlers,
  type LocalLogLevel,
  loadHandlers,
  type RelayHandler,
} from "./handlers";
import { ConcurrencyLimit } from "./invocation";
import { type LocalChannel, type LocalResources, provision } from "./provision";
import { EMPTY_COUNTERS, SqsEventSource, type SqsEventSourceCounters } from "./sqs-source";
import { StreamEventSource } from "./stream-source";
import { cityTemplate, type LocalOverrides, type Template, type TemplateSettings } from "./template";

export interface LocalStackOptions extends LocalOverrides {
  city: CityPolicy;
  endpoints: { dynamodb: string; sqs: string };
  /** Names the table and queues `<prefix>-<name in the template>`; without one, as the template does. */
  prefix?: string;
  /** The city's synthesised template; by default synthesised here (once per process). */
  template?: Template;
  /**
   * Concurrent ingest invocations in all (the function's concurrency, shared by the channels, each polled
   * by one poller); default the largest of the template's channel ceilings.
   */
  workers?: number;
  /** Wraps a handler, e.g. to make a worker die after its commit (reliability tests). */
  wrapIngest?: (handler: IngestHandler) => IngestHandler;
  wrapRelay?: (handler: RelayHandler) => RelayHandler;
  logLevel?: LocalLogLevel;
}

/** Facts whose effect depends on the order they are applied in (payments.md § Order-free streams). */
const ORDERED_TYPES: ReadonlySet<string> = new Set(["clock.day", "batch.approved"]);

/** A stream line's `type`, or "" for a line that is not a JSON object (the ingest judges those). */
export function typeOf(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && "type" in parsed ? String(parsed.type) : "";
  } catch {
    return "";
  }
}

export interface Collected {
  messages: (PayoutMessage | ReleaseMessage)[];
  rejections: RejectionRecord[];
  deadLetters: DeadLetter[];
}

export class LocalStack {
  private constructor(
    readonly options: LocalStackOptions,
    readonly resources: LocalResources,
    /** The event sources' settings: the template's, with the local overrides. */
    readonly settings: TemplateSettings,
    readonly sqs: SQSClient,
    readonly dynamodb: DynamoDBClient,
    /** One per publisher's channel, as the template maps them. */
    readonly ingest: readonly SqsEventSource[],
    readonly relay: StreamEventSource,
  ) {}

  /** The ingest sources' counters, summed over the channels. */
  ingestCounters(): SqsEventSourceCounters {
    const total = { ...EMPTY_COUNTERS };
    for (const source of this.ingest) {
      for (const [name, value] of Object.entries(source.counters))
        total[name as keyof SqsEventSourceCounters] += value;
    }
    return total;
  }

  /**
   * The channel a line is sent on, as its registry would send it: that of the publisher owning its
   * `source`. A line no publisher would send (no readable or no known source) goes on the first channel,
   * where it is judged for its own fault first and else is not-authorised, as `simulate` judges it.
   */
  private channelFor(text: string): LocalChannel {
    const { publisher } = ownerOf(this.options.city, text);
    const channels = this.resources.channels;
    const channel = channels.find((c) => c.publisherId === publisher?.id) ?? channels[0];
    if (!channel) throw new Error("the template has no ingest channel");
    return channel;
  }

  /** Creates the city's table and queues from its template and starts both event sources on them. */
  static async start(options: LocalStackOptions): Promise<LocalStack> {
    // Each channel's poller holds a socket through its long poll, and deletes and sends share the pool: it
    // is sized well above the pollers (the SDK's default 50 once queued them behind 64 long polls).
    const sqs = new SQSClient({
      ...localClientConfig(options.endpoints.sqs),
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: 1024 } },
    });
    const dynamodb = new DynamoDBClient(localClientConfig(options.endpoints.dynamodb));
    const template = options.template ?? (await cityTemplate(options.city.city));
    const { resources, settings } = await provision(template, dynamodb, sqs, options);
    const handlers = await loadHandlers({
      city: options.city.city,
      dynamodbEndpoint: options.endpoints.dynamodb,
      sqsEndpoint: options.endpoints.sqs,
      tableName: resources.tableName,
      rejectedQueueUrl: resources.rejectedQueueUrl,
      payoutsQueueUrl: resources.payoutsQueueUrl,
      queueEnv: resources.queueEnv,
      logLevel: options.logLevel ?? "SILENT",
    });
    const { ingest, relay } = eventSources(options, resources, settings, handlers, sqs);
    await Promise.all([...ingest.map((source) => source.start()), relay.start()]);
    return new LocalStack(options, resources, settings, sqs, dynamodb, ingest, relay);
  }

  /**
   * Sends the lines to the ingest queue in order, ten per request, as registries would. A line the queue
   * refuses (or that is not UTF-8, which no SendMessage can carry) is skipped and returned, as a
   * registry's failed SendMessage would fail for that one message.
   *
   * A fact whose effect depends on what came before it (ORDERED_TYPES) is sent alone, once everything sent
   * before it has been decided, and decided itself before anything after it is sent: deployed, the clock
   * and the approvers act hours after the day's registry facts, never in the same second.
   */
  async publish(
    lines: readonly (string | StreamLine)[],
    onProgress?: (sent: number) => void,
  ): Promise<RefusedLine[]> {
    const refused: RefusedLine[] = [];
    const sendable: { line: number; text: string }[] = [];
    for (const item of streamOf(lines)) {
      // Held back only what cannot be sent at all (bytes that are not text); the queue judges the rest.
      if (item.text !== undefined) sendable.push({ line: item.line, text: item.text });
      else if (item.refused) refused.push(item.refused);
    }
    const undecided = new Set<string>();
    let sent = 0;
    const send = async (chunk: { line: number; text: string }[], channel: LocalChannel) => {
      if (!chunk.length) return;
      const outcome = await this.sendBatch(chunk, channel.ingestQueueUrl);
      refused.push(...outcome.refused);
      for (const id of outcome.ids) undecided.add(id);
      sent += chunk.length;
      onProgress?.(sent);
    };
    const pending = new Map<LocalChannel, { line: number; text: string }[]>();
    const flush = async () => {
      for (const [channel, chunk] of pending) await send(chunk.splice(0), channel);
    };
    for (const item of sendable) {
      const channel = this.channelFor(item.text);
      if (!ORDERED_TYPES.has(typeOf(item.text))) {
        const chunk = pending.get(channel) ?? [];
        pending.set(channel, chunk);
        chunk.push(item);
        if (chunk.length === 10) await send(chunk.splice(0), channel);
        continue;
      }
      await flush();
      await this.untilDecided(undecided);
      await send([item], channel);
      await this.untilDecided(undecided);
    }
    await flush();
    return refused.sort((a, b) => a.line - b.line);
  }

  private async sendBatch(chunk: { line: number; text: string }[], queueUrl: string) {
    const entries = chunk.map((item, n) => ({ Id: String(n), MessageBody: item.text }));
    const { Successful = [], Failed = [] } = await this.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    const refused = Failed.map((failure): RefusedLine => {
      const item = chunk[Number(failure.Id)];
      if (!item) throw new Error(`ingest queue refused an entry it was not sent: ${failure.Id}`);
      const refusal = sqsRefusal(item.text);
      return {
        line: item.line,
        ...(refusal ?? { reason: "invalid-characters", detail: failure.Message ?? String(failure.Code) }),
      };
    });
    return { refused, ids: Successful.flatMap((s) => (s.MessageId ? [s.MessageId] : [])) };
  }

  /** Until the ingest has decided every message in `undecided` (removed as they are). */
  private async untilDecided(undecided: Set<string>, timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      for (const id of undecided) if (this.ingest.some((source) => source.decided(id))) undecided.delete(id);
      if (!undecided.size) return;
      if (performance.now() > deadline) {
        throw new Error(`publish: ${undecided.size} message(s) still undecided after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Until nothing moves: both sources idle and the ingest queue empty (waiting facts retried or dead). */
  async quiet(timeoutMs = 120_000): Promise<void> {
    await waitUntilQuiet({
      sources: [...this.ingest, this.relay],
      sqs: this.sqs,
      queueUrls: this.resources.channels.map((c) => c.ingestQueueUrl),
      quietMs: 300,
      timeoutMs,
    });
  }

  /**
   * Drains the payouts queue, every rejected queue (each publisher's and the city's own) and every
   * channel's dead letters into simulate's record formats.
   */
  async collect(): Promise<Collected> {
    const { channels } = this.resources;
    const drainAll = async (urls: string[]) =>
      (await Promise.all(urls.map((url) => drainQueue(this.sqs, url)))).flat();
    const [payouts, rejected, dead] = await Promise.all([
      drainQueue(this.sqs, this.resources.payoutsQueueUrl),
      drainAll([this.resources.rejectedQueueUrl, ...channels.map((c) => c.rejectedQueueUrl)]),
      drainAll(channels.map((c) => c.deadLetterQueueUrl)),
    ]);
    return {
      messages: payouts.map((body) => JSON.parse(body)),
      rejections: rejected.map((body) => JSON.parse(body)),
      deadLetters: await Promise.all(dead.map((body) => this.whyDead(body))),
    };
  }

  /** The ledger reconciled, partition by partition, as `simulate` reconciles its in-memory one. */
  reconcile(): Promise<Reconciliation> {
    const city = this.options.city;
    return reconcileLedger(new DynamoLedger(this.dynamodb, this.resources.tableName, city), city);
  }

  /** What a dead letter was waiting for, decided (read-only) against the ledger as it stands. */
  private async whyDead(body: string): Promise<DeadLetter> {
    const city = this.options.city;
    const delivery = replayDelivery(city, new Date().toISOString());
    const parsed = parseMessage(body, { city: city.city, districtIds: city.districtIds }, delivery);
    if (!parsed.ok) return { source: "", id: "", type: "", why: parsed.rejection.detail };
    const { message } = parsed;
    const ledger = new DynamoLedger(this.dynamodb, this.resources.tableName, city);
    const decision = await decideLoading(message, { city, now: new Date().toISOString() }, (keys) =>
      ledger.load(keys),
    );
    const why = decision.outcome === "waiting" ? decision.detail : `dead-lettered, now ${decision.outcome}`;
    return { source: message.source, id: message.id, type: message.type, why };
  }

  /**
   * Stops the event sources; `removeResources` also deletes the table and queues, since on a shared
   * DynamoDB Local every stream record left behind slows every later write.
   */
  async stop(options: { removeResources?: boolean } = {}): Promise<void> {
    await Promise.all([...this.ingest.map((source) => source.stop()), this.relay.stop()]);
    if (options.removeResources) {
      const { tableName, queueUrls } = this.resources;
      await this.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
      await Promise.all(queueUrls.map((QueueUrl) => this.sqs.send(new DeleteQueueCommand({ QueueUrl }))));
    }
    this.sqs.destroy();
    this.dynamodb.destroy();
  }
}

/**
 * The ingest and relay mappings as the template declares them. Lambda refuses a function timeout above the
 * queue's visibility timeout; locally the visibility is shortened (so waiting facts are dead-lettered in
 * seconds), and the function timeout with it.
 */
function eventSources(
  options: LocalStackOptions,
  resources: LocalResources,
  settings: TemplateSettings,
  handlers: LocalHandlers,
  sqs: SQSClient,
): { ingest: SqsEventSource[]; relay: StreamEventSource } {
  const ingestTimeout = Math.min(settings.ingest.timeoutSeconds, settings.ingest.visibilityTimeoutSeconds);
  const ingestHandler: IngestHandler = (event) => handlers.ingest(event, ingestTimeout);
  const relayHandler: RelayHandler = (event) => handlers.relay(event, settings.relay.timeoutSeconds);
  const wrapped = options.wrapIngest ? options.wrapIngest(ingestHandler) : ingestHandler;
  const ceilings = Object.values(settings.ingest.maxConcurrency);
  // One function behind every channel: locally it runs at most `workers` invocations at once (default the
  // largest channel ceiling), as a reserved concurrency would cap it, so 16 channels do not mean 16× the load.
  const limit = new ConcurrencyLimit(options.workers ?? Math.max(2, ...ceilings));
  const ingest = resources.channels.map(
    (channel) =>
      new SqsEventSource({
        name: `ingest-${channel.publisherId}`,
        sqs,
        queueUrl: channel.ingestQueueUrl,
        batchSize: settings.ingest.batchSize,
        visibilityTimeoutSeconds: settings.ingest.visibilityTimeoutSeconds,
        timeoutSeconds: ingestTimeout,
        // One poller per channel: the shared limit, not the pollers, bounds what runs at once, and fewer
        // idle long polls leave the machine to the invocations.
        maxConcurrency: 1,
        limit,
        handler: wrapped,
      }),
  );
  const relay = new StreamEventSource({
    name: "relay",
    streamArn: resources.streamArn,
    endpoint: options.endpoints.dynamodb,
    batchSize: settings.relay.batchSize,
    filter: eventFilter(settings.relay.filterPattern),
    // Lambda's -1: retried until the record expires.
    retryAttempts: settings.relay.retryAttempts < 0 ? Number.POSITIVE_INFINITY : settings.relay.retryAttempts,
    timeoutSeconds: settings.relay.timeoutSeconds,
    handler: options.wrapRelay ? options.wrapRelay(relayHandler) : relayHandler,
  });
  return { ingest, relay };
}
