import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCity } from "../../shared/policy/files";
import { type CfnTemplate, getAtt, logicalId, roleStatements, type Synthesized, synthCities } from "./synth";

let synth: Synthesized;
let json: CfnTemplate;

beforeAll(() => {
  synth = synthCities(["jinan"]);
  json = synth.json("jinan");
});
afterAll(() => synth?.dispose());

const id = (type: string, match: (p: Record<string, unknown>) => boolean = () => true) =>
  logicalId(json, type, match);
const queue = (name: string) =>
  getAtt(id("AWS::SQS::Queue", (p) => p.QueueName === `autogrant-jinan-${name}`));
const logGroup = (fn: string) =>
  getAtt(id("AWS::Logs::LogGroup", (p) => p.LogGroupName === `/aws/lambda/autogrant-jinan-${fn}`));
const table = () => id("AWS::DynamoDB::Table");
const key = () => getAtt(id("AWS::KMS::Key"));

/** Sid → [actions, resources], the whole of what a role may do. */
const grants = (fn: string) =>
  Object.fromEntries(
    roleStatements(json, `autogrant-jinan-${fn}`).map((s) => [s.Sid, [s.Action, s.Resource]]),
  );

const publishers = readCity("jinan").file.publishers;

describe("function roles: only the actions each handler and its event source use, on this city's resources", () => {
  it("ingest", () => {
    expect(grants("ingest")).toEqual({
      Logs: [["logs:CreateLogStream", "logs:PutLogEvents"], [logGroup("ingest")]],
      ReceiveIngest: [
        ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        publishers.map((p) => queue(`ingest-${p.id}`)),
      ],
      Ledger: [
        ["dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
        [getAtt(table())],
      ],
      PublishRejections: [
        ["sqs:SendMessage"],
        [queue("rejected"), ...publishers.map((p) => queue(`rejected-${p.id}`))],
      ],
      CityKey: [["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [key()]],
    });
  });

  it("relay", () => {
    expect(grants("relay")).toEqual({
      Logs: [["logs:CreateLogStream", "logs:PutLogEvents"], [logGroup("relay")]],
      ReadStream: [
        [
          "dynamodb:DescribeStream",
          "dynamodb:GetRecords",
          "dynamodb:GetShardIterator",
          "dynamodb:ListStreams",
        ],
        [getAtt(table(), "StreamArn")],
      ],
      SendOutbox: [
        ["sqs:SendMessage"],
        [
          queue("payouts.fifo"),
          queue("publicity.fifo"),
          queue("notices.fifo"),
          queue("instructions.fifo"),
          queue("receivables.fifo"),
          queue("relay-failures"),
        ],
      ],
      ReadOutbox: [["dynamodb:GetItem"], [getAtt(table())]],
      CityKey: [["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [key()]],
    });
  });

  it("relay: reads only outbox items, by key (it sends what the table holds, not what a record claims)", () => {
    const read = roleStatements(json, "autogrant-jinan-relay").find((s) => s.Sid === "ReadOutbox");
    expect(read?.Condition).toEqual({
      "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["ledger#*"] },
    });
    const others = roleStatements(json, "autogrant-jinan-relay").filter((s) => s.Sid !== "ReadOutbox");
    for (const s of others)
      expect(s.Action.filter((a) => /^dynamodb:(GetItem|BatchGetItem|Query|Scan)$/.test(a))).toEqual([]);
  });

  it("workbench: Query and key reads of the table and its two indexes, never Scan; sends on the staff channel only", () => {
    const index = (name: string) => ({ "Fn::Join": ["", [getAtt(table()), `/index/${name}`]] });
    expect(grants("workbench")).toEqual({
      Logs: [["logs:CreateLogStream", "logs:PutLogEvents"], [logGroup("workbench")]],
      ReadLedger: [["dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem"], [getAtt(table())]],
      ReadFinanceIndexes: [["dynamodb:Query"], [index("byPeriodStatus"), index("byBeneficiary")]],
      PublishStaffFacts: [["sqs:SendMessage"], [queue("ingest-workbench")]],
      CityKey: [["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [key()]],
    });
    const actions = roleStatements(json, "autogrant-jinan-workbench").flatMap((s) => s.Action);
    expect(
      actions.filter((a) => /^(dynamodb|sqs):(Scan|Put|Update|Delete|BatchWrite|Transact)/.test(a)),
    ).toEqual([]);
    expect(actions).not.toContain("dynamodb:Scan");
  });

  /** The role CDK's BucketDeployment handler runs as (the only role with a managed policy). */
  const deploymentRole = () =>
    id("AWS::IAM::Role", (p) =>
      JSON.stringify(p.ManagedPolicyArns ?? []).includes("AWSLambdaBasicExecutionRole"),
    );

  it("no wildcard action or resource, no managed policy, no Deny needed, no other role in the stack", () => {
    for (const fn of ["ingest", "relay", "workbench"]) {
      for (const s of roleStatements(json, `autogrant-jinan-${fn}`)) {
        expect(s.Effect).toBe("Allow");
        for (const action of s.Action) expect(action).not.toContain("*");
        for (const resource of s.Resource) expect(JSON.stringify(resource)).not.toContain("*");
      }
    }
    // CDK's console deployment handler's role is the one other (its own test below).
    const deployRole = deploymentRole();
    const roles = Object.entries(json.Resources)
      .filter(([id, r]) => r.Type === "AWS::IAM::Role" && id !== deployRole)
      .map(([, r]) => r);
    // The three functions' roles, and the clock's, which only EventBridge Scheduler assumes.
    expect(roles).toHaveLength(4);
    const services = roles.map((role) => {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties?.Policies).toBeUndefined();
      const trust = role.Properties?.AssumeRolePolicyDocument as {
        Statement: { Principal: { Service: string } }[];
      };
      expect(trust.Statement).toHaveLength(1);
      return trust.Statement[0]?.Principal.Service;
    });
    expect(services.sort()).toEqual([
      "lambda.amazonaws.com",
      "lambda.amazonaws.com",
      "lambda.amazonaws.com",
      "scheduler.amazonaws.com",
    ]);
    const clockRole = logicalId(json, "AWS::IAM::Role", (p) =>
      JSON.stringify(p).includes("scheduler.amazonaws.com"),
    );
    const clockPolicy = Object.values(json.Resources).find(
      (r) =>
        r.Type === "AWS::IAM::Policy" &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: clockRole }]),
    );
    const document = clockPolicy?.Properties?.PolicyDocument as
      | { Statement: { Action: string | string[] }[] }
      | undefined;
    const clockActions = (document?.Statement ?? []).flatMap((st) => st.Action);
    expect(clockActions.sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey", "sqs:SendMessage"]);
    const policies = Object.values(json.Resources).filter((r) => r.Type === "AWS::IAM::Policy");
    // The three functions', the clock's, one execute-api policy per workbench role (tests/infra/workbench), and
    // the console deployment's.
    expect(policies).toHaveLength(9);
  });

  it("CDK's console deployment role writes the console's bucket and reads CDK's asset bucket, nothing else", () => {
    const deployRole = deploymentRole();
    const policy = Object.values(json.Resources).find(
      (r) =>
        r.Type === "AWS::IAM::Policy" &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: deployRole }]),
    );
    const document = policy?.Properties?.PolicyDocument as { Statement: { Resource: unknown }[] } | undefined;
    const statements = document?.Statement ?? [];
    expect(statements.length).toBeGreaterThan(0);
    const bucket = id("AWS::S3::Bucket", () => true);
    const text = JSON.stringify(statements.map((st) => st.Resource));
    const named = [...text.matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)"/g)].map((m) => m[1]);
    expect(new Set(named)).toEqual(new Set([bucket]));
    expect(text).toContain("cdk-hnb659fds-assets-");
    expect(text).not.toMatch(/ingest|payouts|Table|Key/);
  });

  it("each function waits for its role's policy, so its event source mapping never starts unauthorised", () => {
    for (const fn of ["ingest", "relay"]) {
      const fnId = id("AWS::Lambda::Function", (p) => p.FunctionName === `autogrant-jinan-${fn}`);
      const dependsOn = json.Resources[fnId]?.DependsOn ?? [];
      expect(dependsOn.some((d) => json.Resources[d]?.Type === "AWS::IAM::Policy")).toBe(true);
    }
  });
});
