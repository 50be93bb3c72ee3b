import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type { IKey } from "aws-cdk-lib/aws-kms";
import {
  DeduplicationScope,
  FifoThroughputLimit,
  Queue,
  QueueEncryption,
  type QueueProps,
} from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { channelQueueNames, type PublisherFile } from "../shared/policy/publishers";

/** `autogrant-<city>-<suffix>`: the queue's physical name, known before the queue exists. */
export function queueName(city: string, suffix: string): string {
  return `autogrant-${city}-${suffix}`;
}

export interface QueuesProps {
  city: string;
  key: IKey;
  /** The ingest function's timeout: the ingest queue's visibility timeout is 6× it. */
  ingestTimeout: Duration;
  /** Deliveries of one ingest message before it is dead-lettered (city `operations.ingest.receiveLimit`). */
  receiveLimit: number;
  /** The city file's publishers: one channel of queues each. */
  publishers: readonly PublisherFile[];
}

/** One publisher's queues: it alone sends to `ingest` and reads `rejected` (partner-access.ts). */
export interface ChannelQueues {
  publisher: PublisherFile;
  ingest: Queue;
  deadLetter: Queue;
  rejected: Queue;
}

const RETENTION = Duration.days(14);

/** The lifecycle's outbound queues: 公示 lists, payment notices, payment instructions, overdue debts. */
export const LIFECYCLE_QUEUES = ["publicity", "notices", "instructions", "receivables"] as const;
export type LifecycleQueue = (typeof LIFECYCLE_QUEUES)[number];
/** Finance's consumer failing one payout this often parks it in the payouts DLQ for a person to look at. */
export const PAYOUTS_RECEIVE_LIMIT = 10;

/**
 * The city's queues: per publisher, publisher → its ingest queue (+DLQ) and ingest → its rejected queue
 * (read back by that publisher alone); the city's own rejected queue for a record from no publisher; relay →
 * payouts FIFO (+DLQ) → finance, relay → the lifecycle's FIFO queues (+DLQ each: publicity office, portal,
 * treasury, finance), and the relay's on-failure queue. All use the city key, deny non-TLS and
 * are retained when the stack is deleted.
 * Names are fixed per city so that the key policy can name each queue without a dependency cycle.
 * Who outside the account may use which queue: partner-access.ts.
 */
export class Queues extends Construct {
  /** Each publisher's channel, by publisher id (events.md § Publishers). */
  readonly channels: ReadonlyMap<string, ChannelQueues>;
  /** Rejections no publisher can be told of: operators read them. */
  readonly rejected: Queue;
  readonly payouts: Queue;
  readonly payoutsDlq: Queue;
  /** The payment lifecycle's outbound queues, each for one consumer (payments.md § Outbound). */
  readonly lifecycle: Record<LifecycleQueue, { queue: Queue; dlq: Queue }>;
  readonly relayFailures: Queue;
  /** AWS's advice for an SQS-triggered function: 6× its timeout, so retries of a slow batch don't overlap. */
  readonly ingestVisibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const name = (suffix: string) => queueName(props.city, suffix);
    const common: QueueProps = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      // Every queue may hold a money message or the fact behind one (a payout, a rejection, a dead
      // letter, a fact not yet applied): deleting the stack must not delete them. The key is retained too.
      removalPolicy: RemovalPolicy.RETAIN,
    };

    this.ingestVisibilityTimeout = Duration.seconds(props.ingestTimeout.toSeconds() * 6);
    this.channels = new Map(
      props.publishers.map((publisher) => {
        const names = channelQueueNames(props.city, publisher.id);
        const id = pascal(publisher.id);
        const deadLetter = new Queue(this, `Ingest${id}Dlq`, { ...common, queueName: names.deadLetter });
        const ingest = new Queue(this, `Ingest${id}`, {
          ...common,
          queueName: names.ingest,
          visibilityTimeout: this.ingestVisibilityTimeout,
          deadLetterQueue: { queue: deadLetter, maxReceiveCount: props.receiveLimit },
        });
        const rejected = new Queue(this, `Rejected${id}`, { ...common, queueName: names.rejected });
        return [publisher.id, { publisher, ingest, deadLetter, rejected }];
      }),
    );
    this.rejected = new Queue(this, "Rejected", { ...common, queueName: name("rejected") });

    const fifo: QueueProps = {
      ...common,
      fifo: true,
      // The relay sets MessageDeduplicationId = payoutId (releaseId): a body hash would be the wrong identity.
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
    };
    this.payoutsDlq = new Queue(this, "PayoutsDlq", { ...fifo, queueName: name("payouts-dlq.fifo") });
    this.payouts = new Queue(this, "Payouts", {
      ...fifo,
      queueName: name("payouts.fifo"),
      deadLetterQueue: { queue: this.payoutsDlq, maxReceiveCount: PAYOUTS_RECEIVE_LIMIT },
    });
    this.lifecycle = Object.fromEntries(
      LIFECYCLE_QUEUES.map((suffix) => {
        const id = suffix.charAt(0).toUpperCase() + suffix.slice(1);
        const dlq = new Queue(this, `${id}Dlq`, { ...fifo, queueName: name(`${suffix}-dlq.fifo`) });
        const queue = new Queue(this, id, {
          ...fifo,
          queueName: name(`${suffix}.fifo`),
          deadLetterQueue: { queue: dlq, maxReceiveCount: PAYOUTS_RECEIVE_LIMIT },
        });
        return [suffix, { queue, dlq }];
      }),
    ) as Record<LifecycleQueue, { queue: Queue; dlq: Queue }>;
    this.relayFailures = new Queue(this, "RelayFailures", { ...common, queueName: name("relay-failures") });
  }
}

/** `tax-rd` → `TaxRd`: a construct id part. */
export function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, ch: string) => ch.toUpperCase());
}
