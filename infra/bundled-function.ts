import { join } from "node:path";
import { ArnFormat, type Duration, Stack } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { LogLevel, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { cityDefine, ENTRIES, type FunctionName, MAIN_FIELDS, NODE_TARGET, REPO_ROOT } from "./bundling";

export interface BundledFunctionProps {
  city: string;
  name: FunctionName;
  /** The city key: the function's log group is encrypted with it. */
  key: IKey;
  /** The city file as read: inlined into the bundle (functions/lib/city.ts). */
  rawCity: unknown;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
}

/**
 * CloudWatch Logs encrypts a log group with a customer key only if the key policy lets the regional Logs
 * principal use it, scoped by the encryption context to that one log group (AWS: "Encrypt log data in
 * CloudWatch Logs using AWS KMS", whose action list this is). The ARN is built from the name, as the key
 * cannot depend on the log group that uses it; `urlSuffix` gives `amazonaws.com.cn` in aws-cn.
 */
export function allowLogsToEncrypt(key: IKey, name: string, logGroupName: string, stack: Stack): void {
  const logGroupArn = stack.formatArn({
    service: "logs",
    resource: "log-group",
    resourceName: logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: `CloudWatchLogsEncrypt${name[0]?.toUpperCase()}${name.slice(1)}`,
      principals: [new ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      resources: ["*"],
      conditions: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
    }),
  );
}

/**
 * One handler as a Node 22 arm64 function: an ESM bundle with the AWS SDK inside (tree-shaken, so no
 * dependence on the runtime's SDK version), its own encrypted log group, and a role that starts with nothing but
 * writing to that log group — every other permission is added by name with allow().
 */
export class BundledFunction extends Construct implements IGrantable {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const functionName = `autogrant-${props.city}-${props.name}`;
    const logGroupName = `/aws/lambda/${functionName}`;
    // Logs hold rejection details and fact ids: encrypted with the city key, like everything else.
    this.logGroup = new LogGroup(this, "Logs", {
      logGroupName,
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
    });
    allowLogsToEncrypt(props.key, props.name, logGroupName, Stack.of(this));
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
