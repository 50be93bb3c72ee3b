import { ArnFormat, Stack } from "aws-cdk-lib";
import { AnyPrincipal, ArnPrincipal, Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { channelQueueNames } from "../shared/policy/publishers";
import { type ChannelQueues, pascal, type Queues, queueName } from "./queues";

export interface PartnerAccessProps {
  city: string;
  key: IKey;
  queues: Queues;
  /** The clock channel's one sender: the stack's scheduler role (clock.ts). */
  clockRoleArn: string;
  financePrincipals: readonly string[];
  /** Senders the stack adds to a publisher's channel, by publisher id: the workbench API's role. */
  stackSenders?: ReadonlyMap<string, readonly string[]>;
}

const SEND = ["sqs:SendMessage"];
const RECEIVE = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"];

/**
 * Who may use which queue (events.md § Publishers). Each publisher alone sends to its ingest queue and reads
 * its rejected queue; finance alone reads payouts. An Allow in a queue policy does not stop a principal of
 * the account whose own IAM policy allows the action, so each grant comes with an explicit Deny for every
 * other principal (`aws:PrincipalArn`): the queue a record arrives on names its sender. The key policy lets
 * a publisher use the city key only through SQS, and only for its own queues (SQS's encryption context is
 * the queue ARN).
 */
export class PartnerAccess extends Construct {
  constructor(scope: Construct, id: string, props: PartnerAccessProps) {
    super(scope, id);
    const { key, queues } = props;
    for (const channel of queues.channels.values()) {
      const senders = senderArns(channel, props.clockRoleArn);
      // A sender the stack adds (the workbench API) only sends: its publisher's people read the rejections.
      const stackSenders = props.stackSenders?.get(channel.publisher.id) ?? [];
      const name = pascal(channel.publisher.id);
      only(channel.ingest, `${name}Sends`, [...senders, ...stackSenders], SEND);
      // The clock has no one to read its rejections but the city's operators.
      if (channel.publisher.channel === "clock") continue;
      only(channel.rejected, `${name}ReadsRejections`, senders, RECEIVE);
      key.addToResourcePolicy(
        new PolicyStatement({
          sid: `${name}UsesKeyViaSqs`,
          principals: [...senders, ...stackSenders].map((arn) => new ArnPrincipal(arn)),
          // SendMessage to an SSE-KMS queue needs GenerateDataKey and Decrypt; receiving needs Decrypt.
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: ["*"],
          conditions: this.viaSqs(props.city, [channel.publisher.id]),
        }),
      );
    }
    only(queues.payouts, "FinanceReceivesPayouts", props.financePrincipals, RECEIVE);
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: "FinanceUsesKeyViaSqs",
        principals: props.financePrincipals.map((arn) => new ArnPrincipal(arn)),
        actions: ["kms:Decrypt"],
        resources: ["*"],
        conditions: this.viaSqs(props.city, [], ["payouts.fifo"]),
      }),
    );
  }

  /** Built from the names, not queue.queueArn: the queues use the key, so the key cannot depend on them. */
  private viaSqs(city: string, publisherIds: string[], suffixes: string[] = []) {
    const stack = Stack.of(this);
    const arnOf = (resource: string) =>
      stack.formatArn({ service: "sqs", resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    const names = publisherIds.flatMap((id) => {
      const q = channelQueueNames(city, id);
      return [q.ingest, q.rejected];
    });
    return {
      StringEquals: {
        "kms:ViaService": `sqs.${stack.region}.${stack.urlSuffix}`,
        "kms:EncryptionContext:aws:sqs:arn": [...names, ...suffixes.map((s) => queueName(city, s))].map(
          arnOf,
        ),
      },
    };
  }
}

/** Who sends on a channel: the city file's principals, or for the clock the stack's scheduler role. */
function senderArns(channel: ChannelQueues, clockRoleArn: string): string[] {
  return channel.publisher.channel === "clock" ? [clockRoleArn] : channel.publisher.principals;
}

/** Allows `principals` the actions on the queue and denies them to everyone else. */
function only(queue: Queue, sid: string, principals: readonly string[], actions: string[]): void {
  queue.addToResourcePolicy(
    new PolicyStatement({
      sid,
      principals: principals.map((arn) => new ArnPrincipal(arn)),
      actions,
      resources: [queue.queueArn],
    }),
  );
  queue.addToResourcePolicy(
    new PolicyStatement({
      sid: `${sid}Only`,
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions,
      resources: [queue.queueArn],
      conditions: { ArnNotEquals: { "aws:PrincipalArn": [...principals] } },
    }),
  );
}
