import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import { ArnPrincipal, type IPrincipal, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import {
  DeduplicationScope,
  FifoThroughputLimit,
  Queue,
  QueueEncryption,
  type QueueProps,
} from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface QueuesProps {
  city: string;
  key: IKey;
  /** The ingest function's timeout: the ingest queue's visibility timeout is 6× it. */
  ingestTimeout: Duration;
  /** Deliveries of one ingest message before it is dead-lettered (city `operations.ingest.receiveLimit`). */
  receiveLimit: number;
  registryPrincipals: readonly string[];
  financePrincipals: readonly string[];
}

const RETENTION = Duration.days(14);
/** Finance's consumer failing one payout this often parks it in the payouts DLQ for a person to look at. */
export const PAYOUTS_RECEIVE_LIMIT = 10;

/**
 * The city's queues: registry → ingest (+DLQ), ingest → rejected (read back by the registry), relay →
 * payouts FIFO (+DLQ) → finance, and the relay's on-failure queue. All use the city key and deny non-TLS.
 * Names are fixed per city so that the key policy can name each queue without a dependency cycle.
 */
export class Queues extends Construct {
  readonly ingest: Queue;
  readonly ingestDlq: Queue;
  readonly rejected: Queue;
  readonly payouts: Queue;
  readonly payoutsDlq: Queue;
  readonly relayFailures: Queue;
  /** AWS's advice for an SQS-triggered function: 6× its timeout, so retries of a slow batch don't overlap. */
  readonly ingestVisibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const name = (suffix: string) => `autogrant-${props.city}-${suffix}`;
    const common: QueueProps = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: RETENTION,
    };

    this.ingestVisibilityTimeout = Duration.seconds(props.ingestTimeout.toSeconds() * 6);
    this.ingestDlq = new Queue(this, "IngestDlq", { ...common, queueName: name("ingest-dlq") });
    this.ingest = new Queue(this, "Ingest", {
      ...common,
      queueName: name("ingest"),
      visibilityTimeout: this.ingestVisibilityTimeout,
      deadLetterQueue: { queue: this.ingestDlq, maxReceiveCount: props.receiveLimit },
    });
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
    this.relayFailures = new Queue(this, "RelayFailures", { ...common, queueName: name("relay-failures") });

    const registry = props.registryPrincipals.map((arn) => new ArnPrincipal(arn));
    const finance = props.financePrincipals.map((arn) => new ArnPrincipal(arn));
    allow(this.ingest, "RegistrySends", registry, ["sqs:SendMessage"]);
    allow(this.rejected, "RegistryReadsRejections", registry, RECEIVE);
    allow(this.payouts, "FinanceReceivesPayouts", finance, RECEIVE);

    // The outside principals may use the key only through SQS, and only for their own queues.
    const arnOf = (queueName: string) =>
      Stack.of(this).formatArn({
        service: "sqs",
        resource: queueName,
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      });
    const viaSqs = (queueNames: string[]) => ({
      StringEquals: {
        "kms:ViaService": `sqs.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
        "kms:EncryptionContext:aws:sqs:arn": queueNames.map(arnOf),
      },
    });
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "RegistryUsesKeyViaSqs",
        principals: registry,
        // SendMessage to an SSE-KMS queue needs GenerateDataKey and Decrypt; receiving needs Decrypt.
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        conditions: viaSqs([name("ingest"), name("rejected")]),
      }),
    );
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "FinanceUsesKeyViaSqs",
        principals: finance,
        actions: ["kms:Decrypt"],
        resources: ["*"],
        conditions: viaSqs([name("payouts.fifo")]),
      }),
    );
  }
}

const RECEIVE = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"];

function allow(queue: Queue, sid: string, principals: IPrincipal[], actions: string[]): void {
  queue.addToResourcePolicy(new PolicyStatement({ sid, principals, actions, resources: [queue.queueArn] }));
}
