import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CityStack } from "../../infra/city-stack";
import { STAFF_ROLES } from "../../shared/contract";
import { CITIES_DIR, readCity } from "../../shared/policy/files";
import { WORKBENCH_ROUTES } from "../../shared/policy/workbench";
import { type CfnTemplate, logicalId, propsOf, type Synthesized, synthCities } from "./synth";

let synth: Synthesized;
let json: CfnTemplate;
beforeAll(() => {
  synth = synthCities(["jinan"]);
  json = synth.json("jinan");
});
afterAll(() => synth?.dispose());

const ofType = (t: CfnTemplate, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe("the workbench HTTP API", () => {
  it("has exactly the contract's routes, every one AWS_IAM-authorised", () => {
    const routes = ofType(json, "AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties ?? {});
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      WORKBENCH_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of routes) expect(route.AuthorizationType).toBe("AWS_IAM");
  });

  it("one $default stage, auto-deployed, access-logged to a log group under the city key", () => {
    const [[, stage] = ["", undefined]] = ofType(json, "AWS::ApiGatewayV2::Stage");
    expect(stage?.Properties).toMatchObject({ StageName: "$default", AutoDeploy: true });
    const destination = (stage?.Properties?.AccessLogSettings as { DestinationArn: unknown }).DestinationArn;
    const logs = logicalId(
      json,
      "AWS::Logs::LogGroup",
      (p) => p.LogGroupName === "/aws/apigateway/autogrant-jinan-workbench-access",
    );
    expect(destination).toEqual({ "Fn::GetAtt": [logs, "Arn"] });
    expect(propsOf(json, logs).KmsKeyId).toBeDefined();
  });

  it("each workbench role's IAM roles (the city file's, by name) may invoke exactly its routes", () => {
    const workbench = readCity("jinan").file.workbench;
    const policies = ofType(json, "AWS::IAM::Policy")
      .map(([, r]) => r.Properties ?? {})
      .filter((p) => JSON.stringify(p.PolicyDocument).includes("execute-api:Invoke"));
    expect(policies).toHaveLength(STAFF_ROLES.length);
    for (const role of STAFF_ROLES) {
      const names = (workbench?.roles[role] ?? []).map((arn) => arn.slice(arn.lastIndexOf("/") + 1));
      const policy = policies.find((p) => JSON.stringify(p.Roles) === JSON.stringify(names));
      const statements = (policy?.PolicyDocument as { Statement: { Action: string; Resource: unknown[] }[] })
        .Statement;
      expect(statements.map((s) => s.Action)).toEqual(["execute-api:Invoke"]);
      const paths = [statements[0]?.Resource].flat().map((r) => {
        const parts = (r as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1];
        return String(parts.at(-1));
      });
      const routes = WORKBENCH_ROUTES.filter((r) => r.roles.includes(role));
      expect(paths).toEqual(routes.map((r) => `/$default/${r.method}${r.path.replace(/\{[^/]+\}/g, "*")}`));
    }
  });

  it("the reconciliation and the actions are not everyone's: a viewer's policy has no POST and no reconciliation", () => {
    const viewer = WORKBENCH_ROUTES.filter((r) => r.roles.includes("viewer"));
    expect(viewer.some((r) => r.method === "POST" || r.id === "reconciliation")).toBe(false);
  });
});

describe("the workbench in China (aws-cn)", () => {
  it("synthesises in cn-north-1 with aws-cn roles, its execute-api ARNs in the stack's partition", () => {
    const file = JSON.parse(
      readFileSync(join(CITIES_DIR, "jinan.json"), "utf8").replaceAll("arn:aws:", "arn:aws-cn:"),
    );
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const stack = new CityStack(app, "Autogrant-jinan", {
      cityFile: file,
      source: "jinan (aws-cn)",
      env: { account: "111111111111", region: "cn-north-1" },
    });
    const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    const routes = ofType(template, "AWS::ApiGatewayV2::Route");
    expect(routes).toHaveLength(WORKBENCH_ROUTES.length);
    const text = JSON.stringify(template);
    const invoke = text.match(/"execute-api:Invoke"[^\]]*\]/)?.[0] ?? "";
    expect(invoke.includes(":execute-api:cn-north-1:111111111111:")).toBe(true);
    expect(text.includes('"arn:aws:')).toBe(false);
  });

  it("refuses a workbench role of another partition than the stack's region", () => {
    const file = JSON.parse(readFileSync(join(CITIES_DIR, "jinan.json"), "utf8"));
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    expect(
      () =>
        new CityStack(app, "Autogrant-jinan", {
          cityFile: {
            ...file,
            publishers: JSON.parse(JSON.stringify(file.publishers).replaceAll("arn:aws:", "arn:aws-cn:")),
            operations: JSON.parse(JSON.stringify(file.operations).replaceAll("arn:aws:", "arn:aws-cn:")),
          },
          source: "jinan (mixed)",
          env: { account: "111111111111", region: "cn-north-1" },
        }),
    ).toThrow(/workbench-viewer: not in partition aws-cn/);
  });
});
