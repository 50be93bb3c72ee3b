import { rmSync } from "node:fs";
import { App, Validations } from "aws-cdk-lib";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../infra/create-app";
import { pascal } from "../../infra/queues";
import { STAFF_ROLES } from "../../shared/contract";
import { readCity } from "../../shared/policy/files";
import { WORKBENCH_ROUTES } from "../../shared/policy/workbench";
import { logicalId, type Synthesized, synthCities } from "./synth";

/** CDK's singleton BucketDeployment handler, at the stack's root (its id carries the memory limit). */
const DEPLOY_HANDLER = "Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB";
let synth: Synthesized;
beforeAll(() => {
  synth = synthCities(["jinan", "chongqing"]);
});
afterAll(() => synth?.dispose());

/** Every acknowledgment in the app: construct path (below the stack) → rule → reason. */
function acknowledgments(app: App, stack: string): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const path = c.node.path.replace(`${stack}/`, "");
      if (!c.node.path.startsWith(`${stack}/`)) continue;
      for (const [rule, reason] of Object.entries(m.data as Record<string, string>)) {
        found[path] = { ...found[path], [rule.replace(/^annotation::/i, "")]: reason };
      }
    }
  }
  return found;
}

/** The IAM5 findings of each workbench role's execute-api policy, as cdk-nag renders their resources. */
function workbenchAcks(city: string): Record<string, string[]> {
  const api = logicalId(synth.json(city), "AWS::ApiGatewayV2::Api", () => true);
  const arn = (r: { method: string; path: string }) =>
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${api}>/$default/${r.method}${r.path.replace(/\{[^/]+\}/g, "*")}]`;
  return Object.fromEntries(
    STAFF_ROLES.map((role) => [
      `Workbench/${pascal(role)}Invokes`,
      WORKBENCH_ROUTES.filter((r) => r.roles.includes(role) && r.path.includes("{")).map(arn),
    ]),
  );
}

describe("cdk-nag AwsSolutions", () => {
  it("reports no unacknowledged error or warning for any city", () => {
    const report = new AwsSolutionsChecks().validateScope(synth.app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("acknowledges exactly these findings, each with a reason", () => {
    for (const city of ["jinan", "chongqing"]) {
      const acks = acknowledgments(synth.app, `Autogrant-${city}`);
      expect(
        Object.fromEntries(Object.entries(acks).map(([path, rules]) => [path, Object.keys(rules)])),
      ).toEqual({
        "Functions/Ingest/Function": ["AwsSolutions-L1"],
        "Functions/Relay/Function": ["AwsSolutions-L1"],
        "Queues/Rejected": ["AwsSolutions-SQS3"],
        // Each publisher's rejected queue is its terminal mailbox, as the city's own is.
        ...Object.fromEntries(
          readCity(city).file.publishers.map((p) => [
            `Queues/Rejected${pascal(p.id)}`,
            ["AwsSolutions-SQS3"],
          ]),
        ),
        "Queues/RelayFailures": ["AwsSolutions-SQS3"],
        "Workbench/Handler/Function": ["AwsSolutions-L1"],
        // The console's bucket and CDK's own deployment handler (infra/console.ts).
        "Console/Bucket": ["AwsSolutions-S1"],
        [DEPLOY_HANDLER]: [
          "AwsSolutions-L1",
          "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
          ...["s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*"].map(
            (a) => `AwsSolutions-IAM5[Action::${a}]`,
          ),
          `AwsSolutions-IAM5[Resource::<${logicalId(synth.json(city), "AWS::S3::Bucket", () => true)}.Arn>/*]`,
          "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]",
        ],
        // Each workbench role's invoke policy: one finding per route with a path parameter (its `*`).
        ...workbenchAcks(city),
      });
      for (const rules of Object.values(acks)) {
        for (const reason of Object.values(rules)) expect(reason.length).toBeGreaterThan(60);
      }
    }
  });

  it("the app runs the pack at synthesis: an unacknowledged finding stops it", () => {
    const outdir = `${synth.assembly.directory}-nag`;
    try {
      const app = createApp(new App({ outdir }), { cities: ["jinan"] });
      new Queue(app.node.findChild("Autogrant-jinan"), "PlainQueue", { enforceSSL: false });
      expect(() => app.synth()).toThrow(/PlainQueue[\s\S]*AwsSolutions-SQS4/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
