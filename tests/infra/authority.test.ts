/**
 * Who may use which queue, read off the synthesised policies (the emulator enforces no queue policy), in
 * the commercial partition and in China (events.md § Publishers): each publisher alone sends on its
 * channel and reads its rejections, finance alone reads payouts, and every Allow comes with a Deny for
 * every other principal, since an Allow does not stop a principal of the account that its own IAM allows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CityStack } from "../../infra/city-stack";
import { CityConfigError } from "../../shared/policy/errors";
import { CITIES_DIR, type readCity } from "../../shared/policy/files";
import { type CfnTemplate, getAtt, logicalId, propsOf, ref, type Synthesized, synthCities } from "./synth";

const SEND = ["sqs:SendMessage"];
const RECEIVE = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"];
const jinanFile = () => readFileSync(join(CITIES_DIR, "jinan.json"), "utf8");

/** Jinan as a China city: its principals in aws-cn, its stack in Beijing. */
function chinaTemplate(): CfnTemplate {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const cityFile = JSON.parse(jinanFile().replaceAll("arn:aws:", "arn:aws-cn:"));
  const env = { account: "123456789012", region: "cn-north-1" };
  const stack = new CityStack(app, "Autogrant-jinan", { cityFile, source: "jinan (aws-cn)", env });
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy resource's statements (none when it has no document). */
const policyStatements = (r: { Properties?: Record<string, unknown> }): Statement[] =>
  (r.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];

let synth: Synthesized;
const partitions: [string, () => CfnTemplate][] = [
  ["aws", () => synth.json("jinan")],
  ["aws-cn", chinaTemplate],
];
beforeAll(() => {
  synth = synthCities(["jinan"]);
});
afterAll(() => synth?.dispose());

describe.each(partitions)("queue policies of Autogrant-jinan in %s", (partition, templateOf) => {
  let t: CfnTemplate;
  const file = JSON.parse(jinanFile().replaceAll("arn:aws:", `arn:${partition}:`)) as ReturnType<
    typeof readCity
  >["file"];
  beforeAll(() => {
    t = templateOf();
  });
  const queueId = (name: string) => logicalId(t, "AWS::SQS::Queue", (p) => p.QueueName === name);
  /** The statements of the queue's policy other than the TLS rule every queue has. */
  const statements = (name: string): Statement[] =>
    Object.values(t.Resources)
      .filter((r) => r.Type === "AWS::SQS::QueuePolicy")
      .filter((r) => JSON.stringify(r.Properties?.Queues) === JSON.stringify([ref(queueId(name))]))
      .flatMap(policyStatements)
      .filter((s) => s.Action !== "sqs:*");
  const clockRole = () => {
    const [id] = Object.entries(t.Resources).find(
      ([, r]) =>
        r.Type === "AWS::IAM::Role" && JSON.stringify(r.Properties).includes("scheduler.amazonaws.com"),
    ) ?? [""];
    return getAtt(id);
  };
  const workbenchRole = () => {
    const fn = logicalId(t, "AWS::Lambda::Function", (p) => p.FunctionName === "autogrant-jinan-workbench");
    const role = propsOf(t, fn).Role as { "Fn::GetAtt": [string] };
    return getAtt(role["Fn::GetAtt"][0]);
  };
  /** Exactly: allow `who` these actions, and deny them to every principal whose ARN is not one of `who`. */
  const onlyFor = (who: unknown[], actions: string[]) => [
    expect.objectContaining({
      Effect: "Allow",
      Action: actions.length === 1 ? actions[0] : actions,
      Principal: { AWS: who.length === 1 ? who[0] : who },
    }),
    expect.objectContaining({
      Effect: "Deny",
      Action: actions.length === 1 ? actions[0] : actions,
      Principal: { AWS: "*" },
      Condition: { ArnNotEquals: { "aws:PrincipalArn": who } },
    }),
  ];

  it.each(file.publishers.map((p) => [p.id, p] as const))(
    "%s: only its principals send on its channel and read its rejections",
    (id, publisher) => {
      const senders = publisher.channel === "clock" ? [clockRole()] : publisher.principals;
      // The workbench API's role sends on the staff channel besides its principals; it reads no rejections.
      const apiRole = publisher.channel === "staff" ? [workbenchRole()] : [];
      expect(statements(`autogrant-jinan-ingest-${id}`)).toEqual(onlyFor([...senders, ...apiRole], SEND));
      expect(statements(`autogrant-jinan-rejected-${id}`)).toEqual(
        publisher.channel === "clock" ? [] : onlyFor(senders, RECEIVE),
      );
      expect(statements(`autogrant-jinan-ingest-${id}-dlq`)).toEqual([]);
    },
  );

  it("only finance reads payouts; the city's own rejected queue and the DLQs allow no one outside", () => {
    expect(statements("autogrant-jinan-payouts.fifo")).toEqual(
      onlyFor(file.operations.financePrincipals, RECEIVE),
    );
    for (const q of ["rejected", "payouts-dlq.fifo", "relay-failures"]) {
      expect(statements(`autogrant-jinan-${q}`)).toEqual([]);
    }
  });

  it("no queue policy allows a principal that is not a publisher's, the clock's, the workbench API's or finance's", () => {
    const known = [
      ...file.publishers.flatMap((p) => p.principals),
      ...file.operations.financePrincipals,
      JSON.stringify(clockRole()),
      JSON.stringify(workbenchRole()),
    ];
    const allowed = Object.values(t.Resources)
      .filter((r) => r.Type === "AWS::SQS::QueuePolicy")
      .flatMap(policyStatements)
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => [(s.Principal as { AWS: unknown }).AWS].flat())
      .map((p) => (typeof p === "string" ? p : JSON.stringify(p)));
    expect(allowed.length).toBeGreaterThan(0);
    for (const principal of allowed) expect(known).toContain(principal);
  });

  it("a publisher may use the city key only through SQS, for its own two queues", () => {
    const key = Object.values(t.Resources).find((r) => r.Type === "AWS::KMS::Key");
    const all = (key?.Properties?.KeyPolicy as { Statement: Statement[] } | undefined)?.Statement ?? [];
    const publisher = file.publishers.find((p) => p.id === "tech-market");
    const statement = all.find((s) => s.Sid === "TechMarketUsesKeyViaSqs");
    expect(statement?.Principal).toEqual({ AWS: publisher?.principals[0] });
    const arns = JSON.stringify(statement?.Condition?.StringEquals?.["kms:EncryptionContext:aws:sqs:arn"]);
    expect(arns).toContain(":autogrant-jinan-ingest-tech-market");
    expect(arns).toContain(":autogrant-jinan-rejected-tech-market");
    expect(arns).not.toContain("hte-certification");
  });
});

describe("Autogrant-jinan in China (aws-cn)", () => {
  it("names no principal, ARN or service endpoint of the commercial partition", () => {
    const text = JSON.stringify(chinaTemplate());
    expect(text).not.toContain("arn:aws:");
    // Logs' principal in the key policy is regional; its suffix is the partition's (amazonaws.com.cn).
    expect(text).toContain('"logs.cn-north-1.",{"Ref":"AWS::URLSuffix"}');
    expect(text).toContain('"sqs.cn-north-1.",{"Ref":"AWS::URLSuffix"}');
    expect(text).not.toMatch(/logs\.[a-z0-9-]+\.amazonaws\.com"/);
  });

  it("a China city file naming a commercial-partition principal is refused at synthesis", () => {
    const env = { account: "123456789012", region: "cn-north-1" };
    const build = () =>
      new CityStack(new App({ context: { "aws:cdk:bundling-stacks": [] } }), "Autogrant-jinan", {
        cityFile: JSON.parse(jinanFile()),
        source: "jinan",
        env,
      });
    expect(build).toThrow(CityConfigError);
    expect(build).toThrow(
      /arn:aws:iam::111111111111:role\/jinan-hte-certification-publisher: not in partition aws-cn/,
    );
  });
});
