import { CfnOutput, Duration, Stack, type StackProps, Tags, Token, Validations } from "aws-cdk-lib";
import { RegionInfo } from "aws-cdk-lib/region-info";
import type { Construct } from "constructs";
import { type CityFile, parseCityConfig } from "../shared/policy/city";
import { CityConfigError } from "../shared/policy/errors";
import { Alarms } from "./alarms";
import { Clock } from "./clock";
import { ConsoleSite } from "./console";
import { Functions } from "./functions";
import { Ledger } from "./ledger";
import { PartnerAccess } from "./partner-access";
import { pascal, Queues } from "./queues";
import { Workbench } from "./workbench";

export interface CityStackProps extends StackProps {
  /** The city file's content as parsed JSON, not yet validated: the stack validates it. */
  cityFile: unknown;
  /** Where the content came from, for error messages (e.g. `cities/jinan.json`). */
  source: string;
}

/**
 * One city, isolated: its own key, ledger table, queues, functions and alarms. A city file that does
 * not validate stops synthesis with a CityConfigError naming the file and the field.
 */
export class CityStack extends Stack {
  readonly city: string;

  constructor(scope: Construct, id: string, props: CityStackProps) {
    super(scope, id, { description: "autogrant: one city's subsidy ledger, queues and functions", ...props });
    const policy = parseCityConfig(props.cityFile, props.source);
    checkPartition(this, policy.file, props.source);
    const city = policy.city;
    const ops = policy.file.operations;
    this.city = city;
    Tags.of(this).add("app", "autogrant");
    Tags.of(this).add("city", city);

    const ledger = new Ledger(this, "Ledger", { city });
    const queues = new Queues(this, "Queues", {
      city,
      key: ledger.key,
      ingestTimeout: Duration.seconds(ops.ingest.timeoutSeconds),
      receiveLimit: ops.ingest.receiveLimit,
      publishers: policy.file.publishers,
    });
    const clockChannel = [...queues.channels.values()].find((c) => c.publisher.channel === "clock");
    if (!clockChannel) throw new Error("the city file names no clock channel (parseCityConfig requires one)");
    const clock = new Clock(this, "Clock", {
      city,
      key: ledger.key,
      ingest: clockChannel.ingest,
      source: clockChannel.publisher.source,
    });
    const workbench = workbenchOf(this, policy.file, props.cityFile, ledger, queues);
    new PartnerAccess(this, "PartnerAccess", {
      city,
      key: ledger.key,
      queues,
      clockRoleArn: clock.role.roleArn,
      financePrincipals: ops.financePrincipals,
      // The workbench API publishes on the staff channel for the people it authenticated (events.md).
      stackSenders: workbench
        ? new Map([[workbench.publisherId, [workbench.api.fn.role.roleArn]]])
        : undefined,
    });
    const functions = new Functions(this, "Functions", {
      city,
      rawCity: props.cityFile,
      operations: ops,
      key: ledger.key,
      table: ledger.table,
      queues,
    });
    new Alarms(this, "Alarms", {
      city,
      key: ledger.key,
      queues,
      functions: [functions.ingest, functions.relay],
      emails: ops.alarmEmails,
      // A message older than all its deliveries (receiveLimit × visibility timeout) was never picked up.
      ingestAgeThreshold: Duration.seconds(
        ops.ingest.receiveLimit * queues.ingestVisibilityTimeout.toSeconds(),
      ),
      relay: functions.relay,
      thresholds: ops.alarms,
    });

    acknowledgeNagFindings(queues, functions);

    outputs(this, queues, ledger);
  }
}

/** The finance workbench, for a city file that names its staff: on the staff channel's queue. */
function workbenchOf(stack: Stack, file: CityFile, rawCity: unknown, ledger: Ledger, queues: Queues) {
  if (!file.workbench) return undefined;
  const channel = [...queues.channels.values()].find((c) => c.publisher.channel === "staff");
  if (!channel) throw new Error("the city file names workbench staff but no staff channel publisher");
  const api = new Workbench(stack, "Workbench", {
    city: file.city,
    rawCity,
    key: ledger.key,
    table: ledger.table,
    staffQueue: channel.ingest,
    workbench: file.workbench,
  });
  new CfnOutput(stack, "WorkbenchApiUrl", {
    value: api.api.apiEndpoint,
    description: "the finance workbench API (SigV4-signed calls with a workbench role)",
  });
  const site = new ConsoleSite(stack, "Console", { city: file.city, apiUrl: api.api.apiEndpoint });
  new CfnOutput(stack, "ConsoleBucketName", {
    value: site.bucket.bucketName,
    description: "the console's build and config.json: the bureau's intranet server syncs it (never public)",
  });
  return { api, publisherId: channel.publisher.id };
}

/** The queue URLs each publisher and finance need, and the table's name. */
function outputs(stack: Stack, queues: Queues, ledger: Ledger): void {
  for (const [id, channel] of queues.channels) {
    new CfnOutput(stack, `IngestQueueUrl${pascal(id)}`, {
      value: channel.ingest.queueUrl,
      description: `${channel.publisher.source} sends facts here`,
    });
    new CfnOutput(stack, `RejectedQueueUrl${pascal(id)}`, {
      value: channel.rejected.queueUrl,
      description: `${channel.publisher.source} reads its rejections here`,
    });
  }
  new CfnOutput(stack, "PayoutsQueueUrl", {
    value: queues.payouts.queueUrl,
    description: "finance receives payouts",
  });
  new CfnOutput(stack, "TableName", { value: ledger.table.tableName });
}

/**
 * A principal of another partition could never be named in this stack's policies (IAM refuses it): a
 * China city's file names `arn:aws-cn:` principals. Checked where the stack's region is known.
 */
function checkPartition(stack: Stack, file: CityFile, source: string): void {
  if (Token.isUnresolved(stack.region)) return;
  const partition = RegionInfo.get(stack.region).partition;
  if (!partition) return;
  const workbench = file.workbench
    ? [file.workbench.identityProvider, ...Object.values(file.workbench.roles).flat()]
    : [];
  const principals = [
    ...file.publishers.flatMap((p) => p.principals),
    ...file.operations.financePrincipals,
    ...workbench,
  ];
  const foreign = principals.filter((arn) => !arn.startsWith(`arn:${partition}:`));
  if (foreign.length) {
    throw new CityConfigError(
      source,
      foreign.map((arn) => `${arn}: not in partition ${partition}, where ${stack.region} is`),
    );
  }
}

/** cdk-nag AwsSolutions findings that are decisions, each with its reason. */
function acknowledgeNagFindings(queues: Queues, functions: Functions): void {
  for (const fn of [functions.ingest.fn, functions.relay.fn]) {
    Validations.of(fn).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x on purpose: the bundle is built, tested and measured on the project's Node 22 (package.json engines, the node dev dependency); moving to a newer runtime is a deliberate upgrade, not drift.",
    });
  }
  for (const rejected of [queues.rejected, ...[...queues.channels.values()].map((c) => c.rejected)]) {
    Validations.of(rejected).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "A rejected queue is itself a terminal mailbox: every message is already the failure record, kept 14 days for the registry to correct and resend; a DLQ would move rejections out of the registry's sight.",
    });
  }
  Validations.of(queues.relayFailures).acknowledge({
    id: "AwsSolutions-SQS3",
    reason:
      "This queue is the relay's dead-letter destination (its event source mapping's on-failure target), alarmed on depth; a DLQ of a DLQ adds nothing.",
  });
}
