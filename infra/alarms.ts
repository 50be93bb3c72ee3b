import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { Key } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import type { BundledFunction } from "./bundled-function";
import type { Queues } from "./queues";

export interface AlarmsProps {
  city: string;
  key: Key;
  queues: Queues;
  functions: BundledFunction[];
  emails: readonly string[];
  /** Oldest ingest message age that means the queue is not being drained (seconds). */
  ingestAgeThreshold: Duration;
}

const PERIOD = Duration.minutes(5);

/** Every DLQ holding anything, a stale ingest queue, and function errors and throttles page on-call. */
export class Alarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { key, queues } = props;
    this.topic = new Topic(this, "Topic", {
      displayName: `autogrant ${props.city} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));

    // CloudWatch publishes alarms itself: it needs the topic policy and the key to encrypt with.
    const stack = Stack.of(this);
    const fromOwnAlarms = {
      ArnLike: {
        "aws:SourceArn": stack.formatArn({
          service: "cloudwatch",
          resource: "alarm",
          resourceName: "*",
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsPublish",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsEncrypt",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
      }),
    );

    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, name, {
        alarmName: `autogrant-${props.city}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
    };

    const dlqs = {
      IngestDlq: queues.ingestDlq,
      PayoutsDlq: queues.payoutsDlq,
      RelayFailures: queues.relayFailures,
    };
    for (const [name, queue] of Object.entries(dlqs)) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum" });
      alarm(`${name}-depth`, depth, 0, `${queue.node.id} holds messages that need a person`);
    }
    alarm(
      "Ingest-oldest-message",
      queues.ingest.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: "Maximum" }),
      props.ingestAgeThreshold.toSeconds(),
      "a registry message is older than its whole retry budget: the ingest queue is not being drained",
    );
    // The relay leaves a message no retry could send in the table and counts it (functions/relay/errors.ts).
    alarm(
      "Relay-unsendable",
      new Metric({
        namespace: "autogrant",
        metricName: "OutboxUnsendable",
        dimensionsMap: { service: "relay", city: props.city },
        period: PERIOD,
        statistic: "Sum",
      }),
      0,
      "an outbox message the relay can never send: it stays in the table until a person sends it",
    );
    for (const fn of props.functions) {
      const label = fn.node.id;
      alarm(
        `${label}-errors`,
        fn.fn.metricErrors({ period: PERIOD, statistic: "Sum" }),
        0,
        `${label} failed invocations`,
      );
      alarm(
        `${label}-throttles`,
        fn.fn.metricThrottles({ period: PERIOD, statistic: "Sum" }),
        0,
        `${label} throttled`,
      );
    }
  }
}
