import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCity } from "../../shared/policy/files";
import { parseAsSent } from "../support/sent";
import { type CfnTemplate, getAtt, logicalId, ref, type Synthesized, synthCities } from "./synth";

let synth: Synthesized;
let t: Template;
let json: CfnTemplate;
const ops = readCity("jinan").file.operations;

beforeAll(() => {
  synth = synthCities(["jinan"]);
  t = synth.template("jinan");
  json = synth.json("jinan");
});
afterAll(() => synth?.dispose());

const keyId = () => logicalId(json, "AWS::KMS::Key", () => true);
const queueId = (name: string) => logicalId(json, "AWS::SQS::Queue", (p) => p.QueueName === name);
const kmsOf = () => ({ KmsMasterKeyId: getAtt(keyId()) });

describe("Autogrant-jinan: key and ledger table", () => {
  it("has one customer-managed key, rotated and retained", () => {
    t.resourceCountIs("AWS::KMS::Key", 1);
    t.hasResource("AWS::KMS::Key", {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("has the ledger table: keys, on demand, PITR, deletion protection, retained, NEW_IMAGE stream, city key", () => {
    t.resourceCountIs("AWS::DynamoDB::Table", 1);
    t.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: "NEW_IMAGE" },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: getAtt(keyId()) },
      },
    });
  });

  it("has the two finance GSIs, projection ALL, on string keys", () => {
    const table = Object.values(json.Resources).find((r) => r.Type === "AWS::DynamoDB::Table");
    const gsis = table?.Properties?.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(gsis).toEqual(
      expect.arrayContaining([
        {
          IndexName: "byPeriodStatus",
          KeySchema: [
            { AttributeName: "gsi1pk", KeyType: "HASH" },
            { AttributeName: "gsi1sk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
        {
          IndexName: "byBeneficiary",
          KeySchema: [
            { AttributeName: "gsi2pk", KeyType: "HASH" },
            { AttributeName: "gsi2sk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ]),
    );
    expect(gsis).toHaveLength(2);
    const attrs = table?.Properties?.AttributeDefinitions as {
      AttributeName: string;
      AttributeType: string;
    }[];
    expect(attrs.map((a) => a.AttributeName).sort()).toEqual([
      "gsi1pk",
      "gsi1sk",
      "gsi2pk",
      "gsi2sk",
      "pk",
      "sk",
    ]);
    expect(new Set(attrs.map((a) => a.AttributeType))).toEqual(new Set(["S"]));
  });
});

describe("Autogrant-jinan: queues", () => {
  const publishers = readCity("jinan").file.publishers;

  it("has three queues per publisher and twelve more, every one encrypted with the city key", () => {
    // Per publisher: ingest (+DLQ) and rejected. The city's own rejected queue, payouts (+DLQ), relay
    // failures, and four lifecycle queues (+DLQ each).
    t.resourceCountIs("AWS::SQS::Queue", 3 * publishers.length + 12);
    for (const queue of Object.values(t.findResources("AWS::SQS::Queue"))) {
      expect(queue.Properties).toMatchObject(kmsOf());
    }
  });

  it.each(publishers.map((p) => p.id))(
    "ingest-%s: DLQ after receiveLimit deliveries, visibility 6× the function timeout",
    (id) => {
      t.hasResourceProperties("AWS::SQS::Queue", {
        QueueName: `autogrant-jinan-ingest-${id}`,
        VisibilityTimeout: 6 * ops.ingest.timeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: getAtt(queueId(`autogrant-jinan-ingest-${id}-dlq`)),
          maxReceiveCount: ops.ingest.receiveLimit,
        },
      });
      const fn = logicalId(json, "AWS::Lambda::Function", (p) => p.FunctionName === "autogrant-jinan-ingest");
      expect(json.Resources[fn]?.Properties?.Timeout).toBe(ops.ingest.timeoutSeconds);
    },
  );

  it("payouts: FIFO without content-based dedup, FIFO DLQ", () => {
    t.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "autogrant-jinan-payouts.fifo",
      FifoQueue: true,
      ContentBasedDeduplication: false,
      RedrivePolicy: { deadLetterTargetArn: getAtt(queueId("autogrant-jinan-payouts-dlq.fifo")) },
    });
    t.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "autogrant-jinan-payouts-dlq.fifo",
      FifoQueue: true,
    });
  });

  it("every queue denies requests without TLS", () => {
    const policies = Object.values(t.findResources("AWS::SQS::QueuePolicy"));
    const covered = policies
      .filter((p) =>
        p.Properties.PolicyDocument.Statement.some(
          (s: Record<string, unknown>) =>
            s.Effect === "Deny" &&
            s.Action === "sqs:*" &&
            JSON.stringify(s.Condition) === JSON.stringify({ Bool: { "aws:SecureTransport": "false" } }),
        ),
      )
      .flatMap((p) => p.Properties.Queues);
    const queues = Object.keys(t.findResources("AWS::SQS::Queue")).map(ref);
    expect(covered).toEqual(expect.arrayContaining(queues));
    expect(covered).toHaveLength(queues.length);
  });

  // Who may use which queue, and the key through them: tests/infra/authority.test.ts.
});

describe("Autogrant-jinan: functions and event sources", () => {
  it("every function: nodejs22.x on arm64, source maps on, own log group with retention", () => {
    t.resourcePropertiesCountIs(
      "AWS::Lambda::Function",
      { Runtime: "nodejs22.x", Architectures: ["arm64"] },
      3,
    );
    for (const name of ["ingest", "relay", "workbench"]) {
      const logs = logicalId(
        json,
        "AWS::Logs::LogGroup",
        (p) => p.LogGroupName === `/aws/lambda/autogrant-jinan-${name}`,
      );
      expect(json.Resources[logs]?.Properties?.RetentionInDays).toBe(365);
      t.hasResourceProperties("AWS::Lambda::Function", {
        FunctionName: `autogrant-jinan-${name}`,
        Handler: "index.handler",
        LoggingConfig: { LogGroup: ref(logs) },
        Environment: {
          Variables: Match.objectLike({ AUTOGRANT_CITY: "jinan", NODE_OPTIONS: "--enable-source-maps" }),
        },
      });
    }
  });

  it("ingest: env names the table and rejected queue; SQS source with partial batch failures and config limits", () => {
    const fn = logicalId(json, "AWS::Lambda::Function", (p) => p.FunctionName === "autogrant-jinan-ingest");
    t.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "autogrant-jinan-ingest",
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: ref(logicalId(json, "AWS::DynamoDB::Table", () => true)),
          REJECTED_QUEUE_URL: ref(queueId("autogrant-jinan-rejected")),
        }),
      },
    });
    // One mapping per publisher's queue: the record's eventSourceARN is how the ingest knows its sender.
    const publishers = readCity("jinan").file.publishers;
    t.resourceCountIs("AWS::Lambda::EventSourceMapping", publishers.length + 1);
    for (const publisher of publishers) {
      t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        FunctionName: ref(fn),
        EventSourceArn: getAtt(queueId(`autogrant-jinan-ingest-${publisher.id}`)),
        BatchSize: ops.ingest.batchSize,
        ScalingConfig: { MaximumConcurrency: publisher.maxConcurrency ?? ops.ingest.maxConcurrency },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      });
    }
  });

  it("relay: stream source filtered to outbox INSERTs, bisecting, bounded, with an on-failure queue", () => {
    const fn = logicalId(json, "AWS::Lambda::Function", (p) => p.FunctionName === "autogrant-jinan-relay");
    const table = logicalId(json, "AWS::DynamoDB::Table", () => true);
    t.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: "autogrant-jinan-relay",
      Environment: {
        Variables: Match.objectLike({ PAYOUTS_QUEUE_URL: ref(queueId("autogrant-jinan-payouts.fifo")) }),
      },
    });
    const esm = logicalId(
      json,
      "AWS::Lambda::EventSourceMapping",
      (p) => JSON.stringify(p.FunctionName) === JSON.stringify(ref(fn)),
    );
    const props = json.Resources[esm]?.Properties ?? {};
    expect(props).toMatchObject({
      EventSourceArn: getAtt(table, "StreamArn"),
      BatchSize: ops.relay.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: ops.relay.retryAttempts,
      MaximumRecordAgeInSeconds: ops.relay.maxRecordAgeHours * 3600,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: getAtt(queueId("autogrant-jinan-relay-failures")) } },
    });
    expect(props.MaximumRecordAgeInSeconds as number).toBeLessThan(24 * 3600);
    const filters = (props.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ["INSERT"], dynamodb: { NewImage: { entity: { S: ["payout", "release", "outbox"] } } } },
    ]);
  });
});

/** CloudWatch acting for one of this account's alarms of this city: the confused-deputy guard. */
const FROM_OWN_ALARMS = {
  StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") },
  ArnLike: {
    "aws:SourceArn": {
      "Fn::Join": [
        "",
        [
          "arn:",
          ref("AWS::Partition"),
          ":cloudwatch:",
          ref("AWS::Region"),
          ":",
          ref("AWS::AccountId"),
          ":alarm:autogrant-jinan-*",
        ],
      ],
    },
  },
};

describe("Autogrant-jinan: what the key lets services do, and what outlives the stack", () => {
  const keyStatements = () =>
    Object.values(t.findResources("AWS::KMS::Key"))[0]?.Properties.KeyPolicy.Statement as Record<
      string,
      unknown
    >[];
  const sid = (id: string) => keyStatements().find((s) => s.Sid === id);

  it("CloudWatch may use the key only for this account's alarms of this city", () => {
    expect(sid("CloudWatchAlarmsEncrypt")).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Condition: FROM_OWN_ALARMS,
    });
  });

  it("every function log group is encrypted with the city key; Logs may use it only for that log group", () => {
    const logsPrincipal = { "Fn::Join": ["", ["logs.", ref("AWS::Region"), ".", ref("AWS::URLSuffix")]] };
    for (const [name, label] of [
      ["/aws/lambda/autogrant-jinan-ingest", "Ingest"],
      ["/aws/lambda/autogrant-jinan-relay", "Relay"],
      ["/aws/lambda/autogrant-jinan-workbench", "Workbench"],
      // The workbench API's access log.
      ["/aws/apigateway/autogrant-jinan-workbench-access", "WorkbenchAccess"],
    ]) {
      const id = logicalId(json, "AWS::Logs::LogGroup", (p) => p.LogGroupName === name);
      expect(json.Resources[id]?.Properties?.KmsKeyId).toEqual(getAtt(keyId()));
      const arn = {
        "Fn::Join": [
          "",
          [
            "arn:",
            ref("AWS::Partition"),
            ":logs:",
            ref("AWS::Region"),
            ":",
            ref("AWS::AccountId"),
            `:log-group:${name}`,
          ],
        ],
      };
      expect(sid(`CloudWatchLogsEncrypt${label}`)).toMatchObject({
        Effect: "Allow",
        Principal: { Service: logsPrincipal },
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": arn } },
      });
    }
    t.resourceCountIs("AWS::Logs::LogGroup", 4);
  });

  it("every service statement in the key policy is scoped by a condition", () => {
    const services = keyStatements().filter((s) => (s.Principal as { Service?: unknown }).Service);
    expect(services.map((s) => s.Sid).sort()).toEqual([
      "CloudWatchAlarmsEncrypt",
      "CloudWatchLogsEncryptIngest",
      "CloudWatchLogsEncryptRelay",
      "CloudWatchLogsEncryptWorkbench",
      "CloudWatchLogsEncryptWorkbenchAccess",
    ]);
    for (const s of services) expect(s.Condition).toBeDefined();
  });

  it("every queue is retained when the stack is deleted: DLQs, payouts and rejections hold money messages", () => {
    const queues = Object.values(t.findResources("AWS::SQS::Queue"));
    expect(queues).toHaveLength(3 * readCity("jinan").file.publishers.length + 12);
    for (const q of queues)
      expect(q).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  });
});

describe("Autogrant-jinan: alarms, tags, outputs", () => {
  it("alarms on each DLQ's depth, each queue's oldest message, the relay's iterator age and unsendable count, and each function's errors and throttles", () => {
    const topic = logicalId(json, "AWS::SNS::Topic", () => true);
    const alarms = Object.values(t.findResources("AWS::CloudWatch::Alarm")).map((a) => a.Properties);
    const on = (metric: string, dimension: unknown) =>
      alarms.filter(
        (a) => a.MetricName === metric && JSON.stringify(a.Dimensions[0].Value) === JSON.stringify(dimension),
      );
    const channels = readCity("jinan").file.publishers.map((p) => p.id);
    // A rejection that no publisher can be told of is itself the alarm: the city's rejected queue holds it.
    for (const q of [
      ...channels.map((id) => `ingest-${id}-dlq`),
      "payouts-dlq.fifo",
      "relay-failures",
      "rejected",
    ]) {
      const [alarm] = on(
        "ApproximateNumberOfMessagesVisible",
        getAtt(queueId(`autogrant-jinan-${q}`), "QueueName"),
      );
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
    }
    for (const id of channels) {
      const ingest = getAtt(queueId(`autogrant-jinan-ingest-${id}`), "QueueName");
      expect(on("ApproximateAgeOfOldestMessage", ingest)).toHaveLength(1);
      const rejected = getAtt(queueId(`autogrant-jinan-rejected-${id}`), "QueueName");
      expect(on("ApproximateAgeOfOldestMessage", rejected)).toMatchObject([
        { Threshold: ops.alarms.rejectedOldestMessageHours * 3600 },
      ]);
    }
    for (const name of ["ingest", "relay"]) {
      const fn = ref(
        logicalId(json, "AWS::Lambda::Function", (p) => p.FunctionName === `autogrant-jinan-${name}`),
      );
      expect(on("Errors", fn)).toHaveLength(1);
      expect(on("Throttles", fn)).toHaveLength(1);
    }
    // The relay's count of outbox messages it can never send (functions/relay/errors.ts).
    expect(
      alarms.filter(
        (a) =>
          a.Namespace === "autogrant" &&
          a.MetricName === "OutboxUnsendable" &&
          JSON.stringify(a.Dimensions) ===
            JSON.stringify([
              { Name: "city", Value: "jinan" },
              { Name: "service", Value: "relay" },
            ]),
      ),
    ).toMatchObject([{ Threshold: 0, Statistic: "Sum", ComparisonOperator: "GreaterThanThreshold" }]);
    // Money messages waiting unseen, thresholds from operations.alarms: queue ages in seconds, iterator age in ms.
    const payouts = on(
      "ApproximateAgeOfOldestMessage",
      getAtt(queueId("autogrant-jinan-payouts.fifo"), "QueueName"),
    );
    expect(payouts).toMatchObject([
      { Threshold: ops.alarms.payoutsOldestMessageHours * 3600, Statistic: "Maximum" },
    ]);
    const relay = ref(
      logicalId(json, "AWS::Lambda::Function", (p) => p.FunctionName === "autogrant-jinan-relay"),
    );
    expect(on("IteratorAge", relay)).toMatchObject([
      {
        Namespace: "AWS/Lambda",
        Threshold: ops.alarms.relayIteratorAgeMinutes * 60_000,
        Statistic: "Maximum",
        ComparisonOperator: "GreaterThanThreshold",
      },
    ]);
    expect(ops.alarms.relayIteratorAgeMinutes * 60).toBeLessThan(ops.relay.maxRecordAgeHours * 3600);
    // Three per channel (its dead letters, its oldest fact, its oldest rejection) and ten for the rest.
    expect(alarms).toHaveLength(3 * channels.length + 10);
    for (const a of alarms) expect(a.AlarmActions).toEqual([ref(topic)]);
  });

  it("the alarm topic is encrypted with the city key, TLS-only, and mails alarmEmails", () => {
    t.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: getAtt(keyId()) });
    t.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    // CloudWatch may publish, but only for this account's alarms of this city (arn:…:alarm:<name>).
    t.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Condition: FROM_OWN_ALARMS,
          }),
        ]),
      },
    });
    const subs = Object.values(t.findResources("AWS::SNS::Subscription")).map((s) => s.Properties);
    expect(subs.map((s) => [s.Protocol, s.Endpoint])).toEqual(ops.alarmEmails.map((e) => ["email", e]));
  });

  it("tags every taggable resource app=autogrant and city=jinan", () => {
    const taggable = Object.entries(json.Resources).filter(([, r]) => r.Properties && "Tags" in r.Properties);
    expect(taggable.length).toBeGreaterThanOrEqual(20);
    for (const [, r] of taggable) {
      // API Gateway v2 resources take tags as a map, the others as a list of key–value pairs.
      const tags = r.Type.startsWith("AWS::ApiGatewayV2::")
        ? Object.entries(r.Properties?.Tags as Record<string, string>).map(([Key, Value]) => ({ Key, Value }))
        : r.Properties?.Tags;
      expect(tags).toEqual(
        expect.arrayContaining([
          { Key: "app", Value: "autogrant" },
          { Key: "city", Value: "jinan" },
        ]),
      );
    }
    // Types CloudFormation can tag that must carry them.
    for (const type of [
      "AWS::KMS::Key",
      "AWS::DynamoDB::Table",
      "AWS::SQS::Queue",
      "AWS::Lambda::Function",
      "AWS::SNS::Topic",
      "AWS::IAM::Role",
      "AWS::Logs::LogGroup",
    ]) {
      for (const r of Object.values(t.findResources(type))) expect(r.Properties.Tags).toBeDefined();
    }
  });

  it("outputs the queue URLs each publisher and finance need", () => {
    const perPublisher = readCity("jinan").file.publishers.flatMap((p) => {
      const id = p.id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, ch: string) => ch.toUpperCase());
      return [`IngestQueueUrl${id}`, `RejectedQueueUrl${id}`];
    });
    expect(Object.keys(json.Outputs ?? {}).sort()).toEqual(
      [...perPublisher, "PayoutsQueueUrl", "TableName", "WorkbenchApiUrl", "ConsoleBucketName"].sort(),
    );
  });
});

describe("Autogrant-jinan: the clock", () => {
  it("sends clock.day to the clock's own queue at 00:05 China time, as a role only the scheduler assumes", () => {
    t.resourceCountIs("AWS::Scheduler::Schedule", 1);
    const [schedule] = Object.values(json.Resources).filter((r) => r.Type === "AWS::Scheduler::Schedule");
    const props = schedule?.Properties as {
      ScheduleExpression: string;
      ScheduleExpressionTimezone: string;
      Target: { Arn: unknown; Input: string; RoleArn: unknown };
    };
    expect(props.ScheduleExpression).toBe("cron(5 0 * * ? *)");
    expect(props.ScheduleExpressionTimezone).toBe("Asia/Shanghai");
    expect(props.Target.Arn).toEqual(getAtt(queueId("autogrant-jinan-ingest-clock"), "Arn"));
    // What the scheduler sends once it has put the scheduled instant (UTC) in: a fact the contract accepts,
    // dated the China day it is — 16:05 UTC on 1 September is 00:05 on the 2nd in Jinan.
    const body = props.Target.Input.replaceAll("<aws.scheduler.scheduled-time>", "2024-09-01T16:05:00Z");
    const parsed = parseAsSent(body);
    if (!parsed.ok) throw new Error(parsed.rejection.detail);
    expect(parsed.message).toMatchObject({
      type: "clock.day",
      source: "clock/daily",
      data: { date: "2024-09-02" },
    });
    const roleId = (props.Target.RoleArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    expect(json.Resources[roleId]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: "scheduler.amazonaws.com" } }],
    });
  });
});
