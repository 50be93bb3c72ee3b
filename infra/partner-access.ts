import { ArnFormat, Stack } from "aws-cdk-lib";
import { ArnPrincipal, type IPrincipal, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type Queues, queueName } from "./queues";

export interface PartnerAccessProps {
  city: string;
  key: IKey;
  queues: Queues;
  registryPrincipals: readonly string[];
  financePrincipals: readonly string[];
}

const RECEIVE = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"];

/**
 * The city's partners in other accounts: the registry sends facts to ingest and reads rejections back;
 * finance receives payouts. Queue policies name exactly those actions; the key policy lets them use the
 * city key only through SQS, and only for their own queues (SQS's encryption context is the queue ARN).
 */
export class PartnerAccess extends Construct {
  constructor(scope: Construct, id: string, props: PartnerAccessProps) {
    super(scope, id);
    const { city, key, queues } = props;
    const registry = props.registryPrincipals.map((arn) => new ArnPrincipal(arn));
    const finance = props.financePrincipals.map((arn) => new ArnPrincipal(arn));
    allow(queues.ingest, "RegistrySends", registry, ["sqs:SendMessage"]);
    allow(queues.rejected, "RegistryReadsRejections", registry, RECEIVE);
    allow(queues.payouts, "FinanceReceivesPayouts", finance, RECEIVE);

    const stack = Stack.of(this);
    // Built from the names, not queue.queueArn: the queues use the key, so the key cannot depend on them.
    const arnOf = (suffix: string) =>
      stack.formatArn({
        service: "sqs",
        resource: queueName(city, suffix),
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      });
    const viaSqs = (suffixes: string[]) => ({
      StringEquals: {
        "kms:ViaService": `sqs.${stack.region}.${stack.urlSuffix}`,
        "kms:EncryptionContext:aws:sqs:arn": suffixes.map(arnOf),
      },
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: "RegistryUsesKeyViaSqs",
        principals: registry,
        // SendMessage to an SSE-KMS queue needs GenerateDataKey and Decrypt; receiving needs Decrypt.
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        conditions: viaSqs(["ingest", "rejected"]),
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: "FinanceUsesKeyViaSqs",
        principals: finance,
        actions: ["kms:Decrypt"],
        resources: ["*"],
        conditions: viaSqs(["payouts.fifo"]),
      }),
    );
  }
}

function allow(queue: Queue, sid: string, principals: IPrincipal[], actions: string[]): void {
  queue.addToResourcePolicy(new PolicyStatement({ sid, principals, actions, resources: [queue.queueArn] }));
}
