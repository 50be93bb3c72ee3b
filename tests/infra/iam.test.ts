import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("function roles: only the actions each handler and its event source use, on this city's resources", () => {
  it("ingest", () => {
    expect(grants("ingest")).toEqual({
      Logs: [["logs:CreateLogStream", "logs:PutLogEvents"], [logGroup("ingest")]],
      ReceiveIngest: [
        ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        [queue("ingest")],
      ],
      Ledger: [
        ["dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
        [getAtt(table())],
      ],
      PublishRejections: [["sqs:SendMessage"], [queue("rejected")]],
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

  it("no wildcard action or resource, no managed policy, no Deny needed, no other role in the stack", () => {
    for (const fn of ["ingest", "relay"]) {
      for (const s of roleStatements(json, `autogrant-jinan-${fn}`)) {
        expect(s.Effect).toBe("Allow");
        for (const action of s.Action) expect(action).not.toContain("*");
        for (const resource of s.Resource) expect(JSON.stringify(resource)).not.toContain("*");
      }
    }
    const roles = Object.values(json.Resources).filter((r) => r.Type === "AWS::IAM::Role");
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties?.Policies).toBeUndefined();
      expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
        Statement: [
          { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } },
        ],
        Version: "2012-10-17",
      });
    }
    const policies = Object.values(json.Resources).filter((r) => r.Type === "AWS::IAM::Policy");
    expect(policies).toHaveLength(2);
  });

  it("each function waits for its role's policy, so its event source mapping never starts unauthorised", () => {
    for (const fn of ["ingest", "relay"]) {
      const fnId = id("AWS::Lambda::Function", (p) => p.FunctionName === `autogrant-jinan-${fn}`);
      const dependsOn = json.Resources[fnId]?.DependsOn ?? [];
      expect(dependsOn.some((d) => json.Resources[d]?.Type === "AWS::IAM::Policy")).toBe(true);
    }
  });
});
