import { join } from "node:path";
import type { Duration } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { LogLevel, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { cityDefine, ENTRIES, type FunctionName, MAIN_FIELDS, NODE_TARGET, REPO_ROOT } from "./bundling";

export interface BundledFunctionProps {
  city: string;
  name: FunctionName;
  /** The city file as read: inlined into the bundle (functions/lib/city.ts). */
  rawCity: unknown;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
}

/**
 * One handler as a Node 22 arm64 function: an ESM bundle with the AWS SDK inside (tree-shaken, so no
 * dependence on the runtime's SDK version), its own log group, and a role that starts with nothing but
 * writing to that log group — every other permission is added by name with allow().
 */
export class BundledFunction extends Construct implements IGrantable {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const functionName = `autogrant-${props.city}-${props.name}`;
    this.logGroup = new LogGroup(this, "Logs", {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: RetentionDays.ONE_YEAR,
    });
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `${functionName}: only what the handler and its event source use`,
    });
    this.allow("Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], [this.logGroup.logGroupArn]);

    this.fn = new NodejsFunction(this, "Function", {
      functionName,
      entry: join(REPO_ROOT, ENTRIES[props.name]),
      handler: "handler",
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { AUTOGRANT_CITY: props.city, NODE_OPTIONS: "--enable-source-maps", ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: NODE_TARGET,
        mainFields: MAIN_FIELDS,
        externalModules: [],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        define: cityDefine(props.rawCity),
        logLevel: LogLevel.WARNING,
      },
    });
  }

  get grantPrincipal() {
    return this.role.grantPrincipal;
  }

  /** An explicit statement on the role: named actions on named resources (under conditions, if given). */
  allow(sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.role.addToPolicy(
      new PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }),
    );
  }
}
