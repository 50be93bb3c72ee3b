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
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { CityFile } from "../shared/policy/city";
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
  /** The relay, whose stream iterator age says how far behind the table its sends are. */
  relay: BundledFunction;
  /** City `operations.alarms`: ages at which a money message has waited too long. */
  thresholds: CityFile["operations"]["alarms"];
}

const PERIOD = Duration.minutes(5);

const oldestMessage = (queue: Queue) =>
  queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: "Maximum" });

/**
 * Every DLQ holding anything, a stale ingest queue, a payout or rejection waiting too long, a relay behind
 * its stream or unable to send, and function errors and throttles page on-call.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;
  private readonly city: string;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.city = props.city;
    this.topic = new Topic(this, "Topic", {
      displayName: `autogrant ${props.city} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    this.allowCloudWatch(props.key);
    this.action = new SnsAction(this.topic);

    this.queueAlarms(props);
    this.relayAlarms(props);
    for (const fn of props.functions) {
      const label = fn.node.id;
      const sum = { period: PERIOD, statistic: "Sum" };
      this.alarm(`${label}-errors`, fn.fn.metricErrors(sum), 0, `${label} failed invocations`);
      this.alarm(`${label}-throttles`, fn.fn.metricThrottles(sum), 0, `${label} throttled`);
    }
  }

  /**
   * CloudWatch publishes alarms itself: it needs the topic policy and the key to encrypt with, and both
   * are scoped to this account's alarms of this city (aws:SourceAccount and aws:SourceArn, which CloudWatch
   * sets when it acts for an alarm), so no other account's alarm can use them (the confused deputy).
   */
  private allowCloudWatch(key: Key): void {
    const stack = Stack.of(this);
    const fromOwnAlarms = {
      StringEquals: { "aws:SourceAccount": stack.account },
      ArnLike: {
        "aws:SourceArn": stack.formatArn({
          service: "cloudwatch",
          resource: "alarm",
          resourceName: `autogrant-${this.city}-*`,
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
        conditions: fromOwnAlarms,
      }),
    );
  }

  /** DLQs holding anything; the ingest queue not drained; payouts and rejections waiting unseen. */
  private queueAlarms({ queues, ingestAgeThreshold, thresholds }: AlarmsProps): void {
    const channels = [...queues.channels.values()];
    const dlqs = [...channels.map((c) => c.deadLetter), queues.payoutsDlq, queues.relayFailures];
    for (const queue of dlqs) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum" });
      this.alarm(`${queue.node.id}-depth`, depth, 0, `${queue.node.id} holds messages that need a person`);
    }
    for (const { ingest, rejected, publisher } of channels) {
      this.alarm(
        `${ingest.node.id}-oldest-message`,
        oldestMessage(ingest),
        ingestAgeThreshold.toSeconds(),
        `a message from ${publisher.source} is older than its whole retry budget: its queue is not being drained`,
      );
      this.alarm(
        `${rejected.node.id}-oldest-message`,
        oldestMessage(rejected),
        Duration.hours(thresholds.rejectedOldestMessageHours).toSeconds(),
        `a rejection has waited longer than operations.alarms allows: ${publisher.source} is not reading its rejections`,
      );
    }
    // Money messages left unread expire with the queue's 14-day retention; these page long before.
    this.alarm(
      "Payouts-oldest-message",
      oldestMessage(queues.payouts),
      Duration.hours(thresholds.payoutsOldestMessageHours).toSeconds(),
      "a payout has waited longer than operations.alarms allows: finance is not receiving payouts",
    );
    const unattributed = queues.rejected.metricApproximateNumberOfMessagesVisible({
      period: PERIOD,
      statistic: "Maximum",
    });
    this.alarm(
      "Rejected-depth",
      unattributed,
      0,
      "a message came through no publisher's queue and was rejected: operators read the city's rejected queue",
    );
  }

  /** The relay behind its stream (records expire after maxRecordAgeHours), or unable to send a message. */
  private relayAlarms({ city, relay, thresholds }: AlarmsProps): void {
    this.alarm(
      "Relay-iterator-age",
      relay.fn.metric("IteratorAge", { period: PERIOD, statistic: "Maximum" }),
      Duration.minutes(thresholds.relayIteratorAgeMinutes).toMilliseconds(),
      "the relay is behind the table's stream: payouts are written but not sent",
    );
    // What the relay leaves in the table because no retry could send it (functions/relay/errors.ts).
    this.alarm(
      "Relay-unsendable",
      new Metric({
        namespace: "autogrant",
        metricName: "OutboxUnsendable",
        dimensionsMap: { service: "relay", city },
        period: PERIOD,
        statistic: "Sum",
      }),
      0,
      "an outbox message the relay can never send: it stays in the table until a person sends it",
    );
  }

  private alarm(name: string, metric: IMetric, threshold: number, description: string): void {
    const alarm = new Alarm(this, name, {
      alarmName: `autogrant-${this.city}-${name}`,
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }
}
