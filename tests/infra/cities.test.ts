import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUIRE_BANNER } from "../../infra/bundled-function";
import { readCity } from "../../shared/policy/files";
import { logicalId, propsOf, type Synthesized, synthCities } from "./synth";

const CITIES = ["jinan", "chongqing"] as const;
let synth: Synthesized;
beforeAll(() => {
  synth = synthCities(CITIES, { bundle: true });
});
afterAll(() => synth?.dispose());

/** Everything that identifies a city: its id, names, principals' accounts and roles, alarm emails. */
function fingerprints(city: string): string[] {
  const { file } = readCity(city);
  const ops = file.operations;
  const publishers = file.publishers.flatMap((p) => p.principals);
  const accounts = [...publishers, ...ops.financePrincipals].map((arn) => arn.split(":")[4] as string);
  return [city, file.name, ...publishers, ...ops.financePrincipals, ...accounts, ...ops.alarmEmails];
}

/** The built bundle (asset directory) of a city's function. */
function bundleDir(city: string, fn: string): string {
  const t = synth.json(city);
  const id = logicalId(t, "AWS::Lambda::Function", (p) => p.FunctionName === `autogrant-${city}-${fn}`);
  const key = (propsOf(t, id).Code as { S3Key: string }).S3Key;
  return join(synth.assembly.directory, `asset.${key.replace(/\.zip$/, "")}`);
}

describe("cross-city isolation", () => {
  it.each([
    ["jinan", "chongqing"],
    ["chongqing", "jinan"],
  ])("nothing in Autogrant-%s names %s or its resources", (city, other) => {
    const text = JSON.stringify(synth.json(city));
    for (const mark of fingerprints(other)) expect(text).not.toContain(mark);
    expect(text).not.toContain("Fn::ImportValue");
    expect(text).not.toContain("Export");
    for (const mark of [city, ...readCity(city).file.publishers.flatMap((p) => p.principals)])
      expect(text).toContain(mark);
    const stack = synth.assembly.getStackByName(`Autogrant-${city}`);
    expect(stack.dependencies.map((d) => d.id)).not.toContain(`Autogrant-${other}`);
  });

  it.each(CITIES)("every physical name in Autogrant-%s carries its own city", (city) => {
    const names = Object.values(synth.json(city).Resources).flatMap((r) =>
      ["QueueName", "FunctionName", "LogGroupName", "AliasName", "AlarmName"]
        .map((k) => r.Properties?.[k])
        .filter((v): v is string => typeof v === "string"),
    );
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect(name).toMatch(new RegExp(`autogrant[-/]${city}(-|$)`));
  });

  it.each(CITIES)("the %s ingest bundle carries its own city's policy, not the other's", (city) => {
    const other = CITIES.find((c) => c !== city) as string;
    const code = readFileSync(join(bundleDir(city, "ingest"), "index.mjs"), "utf8");
    for (const version of readCity(city).file.policyVersions)
      expect(code.includes(`"${version.id}"`)).toBe(true);
    for (const version of readCity(other).file.policyVersions) expect(code.includes(version.id)).toBe(false);
    expect(code.includes(`{"city":"${city}"`), "inlines the city file").toBe(true);
  });
});

describe("the built bundles", () => {
  const env = {
    AWS_REGION: "cn-north-1",
    TABLE_NAME: "t",
    REJECTED_QUEUE_URL: "https://sqs.invalid/1/rejected",
    PAYOUTS_QUEUE_URL: "https://sqs.invalid/1/payouts.fifo",
    PUBLICITY_QUEUE_URL: "https://sqs.invalid/1/publicity.fifo",
    NOTICES_QUEUE_URL: "https://sqs.invalid/1/notices.fifo",
    INSTRUCTIONS_QUEUE_URL: "https://sqs.invalid/1/instructions.fifo",
    RECEIVABLES_QUEUE_URL: "https://sqs.invalid/1/receivables.fifo",
    STAFF_QUEUE_URL: "https://sqs.invalid/1/ingest-workbench",
  };

  /** Imports the bundle in a fresh Node 22 process with nothing but env set; optionally invokes it. */
  function run(
    dir: string,
    city: string,
    invoke?: unknown,
  ): { node: string; type: string; result?: unknown } {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(dir, "index.mjs")).href)});
const context = { functionName: "f", functionVersion: "1", invokedFunctionArn: "arn", memoryLimitInMB: "256",
  awsRequestId: "r", getRemainingTimeInMillis: () => 10000 };
const result = ${invoke ? `await m.handler(${JSON.stringify(invoke)}, context)` : "undefined"};
process.stdout.write(JSON.stringify({ node: process.version, type: typeof m.handler, result }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_OPTIONS: "--enable-source-maps",
        AUTOGRANT_CITY: city,
        ...env,
      },
      encoding: "utf8",
    });
    return JSON.parse(out.slice(out.lastIndexOf('{"node"')));
  }

  it.each(CITIES)(
    "%s: ESM bundles with the AWS SDK inside and no require() shim, with source maps",
    (city) => {
      for (const fn of ["ingest", "relay", "workbench"]) {
        const dir = bundleDir(city, fn);
        expect(existsSync(join(dir, "index.mjs.map"))).toBe(true);
        const code = readFileSync(join(dir, "index.mjs"), "utf8");
        // Booleans, not toContain: a failure must not print a 900 KB bundle.
        expect(/from\s*["']@aws-sdk\//.test(code), "imports @aws-sdk from outside the bundle").toBe(false);
        // The workbench bundles exceljs, CommonJS loading Node built-ins: its bundle defines `require` first.
        if (fn === "workbench") expect(code.startsWith(REQUIRE_BANNER), "defines require first").toBe(true);
        else expect(code.includes("Dynamic require of"), "has esbuild's require() shim").toBe(false);
        expect(code.includes("AmazonSQS"), "bundles the SQS client").toBe(true);
        // The relay reads the outbox item it sends (GetItem), and the workbench reads the ledger: all carry it.
        expect(code.includes("DynamoDB_20120810"), "bundles the DynamoDB client").toBe(true);
      }
    },
  );

  it.each(CITIES)("%s: both load in a fresh Node 22 and the relay handles a batch", (city) => {
    const ingest = run(bundleDir(city, "ingest"), city);
    expect(ingest).toMatchObject({ node: expect.stringMatching(/^v22\./), type: "function" });
    // A MODIFY record is not the relay's to send: handled with no AWS call and nothing reported failed.
    const event = { Records: [{ eventID: "1", eventName: "MODIFY", dynamodb: { SequenceNumber: "1" } }] };
    const relay = run(bundleDir(city, "relay"), city, event);
    expect(relay).toMatchObject({
      node: expect.stringMatching(/^v22\./),
      type: "function",
      result: { batchItemFailures: [] },
    });
  });

  it.each(CITIES)(
    "%s: the workbench bundle loads in a fresh Node 22 and refuses an unsigned call",
    (city) => {
      // No IAM identity in the context: a 401 problem, answered before any AWS call.
      const event = {
        version: "2.0",
        rawPath: "/periods/2024/overview",
        headers: {},
        requestContext: { http: { method: "GET", path: "/periods/2024/overview" } },
      };
      const workbench = run(bundleDir(city, "workbench"), city, event);
      expect(workbench).toMatchObject({
        node: expect.stringMatching(/^v22\./),
        type: "function",
        result: { statusCode: 401, headers: { "content-type": "application/problem+json; charset=utf-8" } },
      });
    },
  );
});
