import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { createApp } from "../../infra/create-app";

/**
 * One synthesis of the real app for some cities: do it once per test file. Bundling the four functions
 * costs ~7 s of the ~8 s, so only a file that reads the bundles asks for it.
 */
export interface Synthesized {
  app: App;
  assembly: CloudAssembly;
  template: (city: string) => Template;
  json: (city: string) => CfnTemplate;
  dispose: () => void;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  [key: string]: unknown;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

export function synthCities(
  cities: readonly string[] = ["jinan", "chongqing"],
  options: { bundle?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), "autogrant-cdk-"));
  const context = options.bundle ? {} : { "aws:cdk:bundling-stacks": [] };
  const app = createApp(new App({ outdir, context }), { cities });
  const assembly = app.synth();
  const json = (city: string) => assembly.getStackByName(`Autogrant-${city}`).template as CfnTemplate;
  return {
    app,
    assembly,
    json,
    template: (city) => Template.fromJSON(json(city)),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The logical id of the one resource of a type whose properties match. */
export function logicalId(
  t: CfnTemplate,
  type: string,
  match: (props: Record<string, unknown>) => boolean,
): string {
  const ids = Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type && match(r.Properties ?? {}))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
}

/** A resource's properties ({} when it has none). */
export const propsOf = (t: CfnTemplate, id: string): Record<string, unknown> =>
  t.Resources[id]?.Properties ?? {};

export const getAtt = (id: string, attr = "Arn") => ({ "Fn::GetAtt": [id, attr] });
export const ref = (id: string) => ({ Ref: id });

/** Every statement of every identity policy attached to a function's role, actions as arrays. */
export function roleStatements(t: CfnTemplate, functionName: string): Statement[] {
  const fnId = logicalId(t, "AWS::Lambda::Function", (p) => p.FunctionName === functionName);
  const role = (propsOf(t, fnId).Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  return Object.values(t.Resources)
    .filter((r) => r.Type === "AWS::IAM::Policy")
    .map((r) => r.Properties ?? {})
    .filter((p) => (p.Roles as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(ref(role))))
    .flatMap((p) => (p.PolicyDocument as { Statement: RawStatement[] }).Statement)
    .map((s) => ({ ...s, Action: [s.Action].flat(), Resource: [s.Resource].flat() }));
}

interface RawStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: unknown[];
  Condition?: unknown;
}
