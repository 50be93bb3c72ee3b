import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface ClockProps {
  city: string;
  key: IKey;
  /** The clock channel's ingest queue, and the source the city file names for it. */
  ingest: IQueue;
  source: string;
}

/**
 * The clock (payments.md § Time is a fact): an EventBridge schedule that sends `clock.day` to the clock
 * channel's ingest queue at 00:05 China time every day, as a role only the scheduler assumes — the clock channel's one
 * publisher. The payload learns the time only as the scheduled instant in UTC; the contract derives the
 * China date from it, so 16:05 UTC on the 1st moves the ledger to the 2nd. Delivery is at least once: the
 * id is the scheduled instant and the date is the fact's natural key, so a repeat changes nothing.
 * The L1 schedule with its own role, not the SqsSendMessage target, whose grant adds kms:GenerateDataKey*.
 */
export class Clock extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ClockProps) {
    super(scope, id);
    this.role = new Role(this, "Role", { assumedBy: new ServicePrincipal("scheduler.amazonaws.com") });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.ingest.queueArn] }),
    );
    // SendMessage to a queue encrypted with the city key needs a data key from it.
    this.role.addToPolicy(
      new PolicyStatement({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [props.key.keyArn] }),
    );
    new CfnSchedule(this, "Daily", {
      description: `autogrant ${props.city}: the daily clock fact`,
      scheduleExpression: "cron(5 0 * * ? *)",
      scheduleExpressionTimezone: "Asia/Shanghai",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: props.ingest.queueArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(clockFact(props.city, props.source, SCHEDULED_TIME)),
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
      },
    });
  }
}

/** EventBridge Scheduler's context attribute for the scheduled instant (UTC), filled in at each run. */
export const SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";

/** The clock fact as the schedule sends it. */
export function clockFact(city: string, source: string, scheduledTime: string) {
  return {
    specversion: "1.0",
    id: `clock-${scheduledTime}`,
    source,
    type: "clock.day",
    time: scheduledTime,
    city,
    data: { scheduledTime },
  };
}
