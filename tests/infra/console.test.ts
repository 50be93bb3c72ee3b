/**
 * The console deployed with the city stack (infra/console.ts): a private bucket, never a website, holding the
 * console's build and a config.json naming the API; and the API's CORS preflight for the console's origin.
 * Synthesised with bundling, so the deployed asset is read as the files the bureau's server will sync.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CityStack } from "../../infra/city-stack";
import { CITIES_DIR } from "../../shared/policy/files";
import { type CfnTemplate, logicalId, propsOf, type Synthesized, synthCities } from "./synth";

let synth: Synthesized;
let json: CfnTemplate;
beforeAll(() => {
  synth = synthCities(["jinan"], { bundle: true });
  json = synth.json("jinan");
}, 180_000);
afterAll(() => synth?.dispose());

const bucketId = () => logicalId(json, "AWS::S3::Bucket", () => true);
const deployment = () => logicalId(json, "Custom::CDKBucketDeployment", () => true);

describe("the console's bucket", () => {
  it("is private: every public access blocked, encrypted, versioned, owner-enforced, no website", () => {
    expect(propsOf(json, bucketId())).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      VersioningConfiguration: { Status: "Enabled" },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    });
    expect(propsOf(json, bucketId()).WebsiteConfiguration).toBeUndefined();
    expect(json.Resources[bucketId()]?.DeletionPolicy).toBe("Retain");
  });

  it("refuses every request without TLS, and its policy allows no one", () => {
    const policy = logicalId(
      json,
      "AWS::S3::BucketPolicy",
      (p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: bucketId() }),
    );
    const statements = (propsOf(json, policy).PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
  });

  it("the deployment's source is the console build — app.js, index.html, style.css — and config.json", () => {
    const props = propsOf(json, deployment());
    expect(props.DestinationBucketName).toEqual({ Ref: bucketId() });
    expect(props.Prune).toBe(true);
    const [buildKey, configKey] = props.SourceObjectKeys as string[];
    const manifest = JSON.parse(
      readFileSync(join(synth.assembly.directory, "Autogrant-jinan.assets.json"), "utf8"),
    ) as {
      files: Record<
        string,
        { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }
      >;
    };
    const assetOf = (key: string | undefined) =>
      Object.values(manifest.files).find((f) =>
        Object.values(f.destinations).some((d) => d.objectKey === key),
      );
    const build = assetOf(buildKey);
    expect(build?.source.packaging).toBe("zip");
    const dir = join(synth.assembly.directory, build?.source.path ?? "missing");
    expect(readdirSync(dir).sort()).toEqual(["app.js", "app.js.LEGAL.txt", "index.html", "style.css"]);
    // The bundle is the console: its signer and its session store, nothing left to fetch.
    const app = readFileSync(join(dir, "app.js"), "utf8");
    expect(app).toContain("execute-api");
    expect(app).toContain("autogrant-session");
    expect(readFileSync(join(dir, "index.html"), "utf8")).toContain('src="app.js"');
    // The second source is config.json: the API's URL, the stack's region and partition, filled at deploy.
    expect(assetOf(configKey)).toBeDefined();
    const markers = JSON.stringify(props.SourceMarkers);
    const api = logicalId(json, "AWS::ApiGatewayV2::Api", () => true);
    expect(markers).toContain(api);
    expect(markers).toContain("AWS::Region");
    expect(markers).toContain("AWS::Partition");
  });

  it("names the bucket in an output for the bureau's sync", () => {
    expect(json.Outputs?.ConsoleBucketName).toMatchObject({ Value: { Ref: bucketId() } });
  });
});

describe("the API for a console on another origin", () => {
  it("answers CORS preflights for the signed headers; authorisation stays the signature's", () => {
    const api = logicalId(json, "AWS::ApiGatewayV2::Api", () => true);
    expect(propsOf(json, api).CorsConfiguration).toMatchObject({
      AllowOrigins: ["*"],
      AllowMethods: ["GET", "POST"],
      AllowHeaders: expect.arrayContaining([
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "idempotency-key",
      ]),
      ExposeHeaders: ["content-disposition"],
    });
    expect(propsOf(json, api).CorsConfiguration).not.toHaveProperty("AllowCredentials", true);
  });
});

describe("in China (aws-cn)", () => {
  it("synthesises the same private bucket and deployment, naming nothing of the commercial partition", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const cityFile = JSON.parse(
      readFileSync(join(CITIES_DIR, "jinan.json"), "utf8").replaceAll("arn:aws:", "arn:aws-cn:"),
    );
    const env = { account: "123456789012", region: "cn-north-1" };
    const stack = new CityStack(app, "Autogrant-jinan", { cityFile, source: "jinan (aws-cn)", env });
    const china = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    expect(
      Object.values(china.Resources).filter((r) => r.Type === "Custom::CDKBucketDeployment"),
    ).toHaveLength(1);
    const bucket = Object.values(china.Resources).find((r) => r.Type === "AWS::S3::Bucket");
    expect(bucket?.Properties?.PublicAccessBlockConfiguration).toMatchObject({ RestrictPublicBuckets: true });
    expect(JSON.stringify(china)).not.toContain("arn:aws:");
  });
});
