import { ArnFormat, type CfnElement, Duration, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { Policy, PolicyStatement, Role } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { STAFF_ROLES } from "../shared/contract";
import { LEDGER_TABLE } from "../shared/decisions/keys";
import { WORKBENCH_ROUTES, type WorkbenchFile } from "../shared/policy/workbench";
import { allowLogsToEncrypt, BundledFunction } from "./bundled-function";
import { pascal } from "./queues";

export interface WorkbenchProps {
  city: string;
  rawCity: unknown;
  key: IKey;
  table: Table;
  /** The workbench publisher's ingest queue: the staff channel the API publishes facts on. */
  staffQueue: IQueue;
  workbench: WorkbenchFile;
}

/**
 * The finance workbench (docs/contract/workbench.md): an HTTP API, every route IAM-authorised (an HTTP API
 * has no resource policy, so who may call what is said by identity policies: each workbench role's IAM
 * roles may invoke exactly its routes), one function behind it that reads the ledger (Query and key reads,
 * never Scan) and sends staff facts on the workbench's ingest queue only. HTTPS only (execute-api has no
 * HTTP listener); access logged, encrypted with the city key.
 */
export class Workbench extends Construct {
  readonly api: HttpApi;
  readonly fn: BundledFunction;

  constructor(scope: Construct, id: string, props: WorkbenchProps) {
    super(scope, id);
    this.fn = this.apiFunction(props);
    this.api = new HttpApi(this, "Api", {
      apiName: `autogrant-${props.city}-workbench`,
      description: `autogrant ${props.city}: the finance workbench (IAM-authorised)`,
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
      // The console is served by the bureau's intranet server, another origin than execute-api's. Any origin:
      // every call is authorised by its SigV4 signature, never by ambient credentials (no cookies), so an
      // origin list would protect nothing; the preflight answers before IAM, as CORS requires.
      corsPreflight: {
        allowOrigins: ["*"],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
        allowHeaders: [
          "authorization",
          "content-type",
          "idempotency-key",
          "x-amz-date",
          "x-amz-security-token",
        ],
        exposeHeaders: ["content-disposition"],
        maxAge: Duration.hours(1),
      },
    });
    // Who called which route, when, with what status: encrypted with the city key like every log group.
    const accessLogName = `/aws/apigateway/autogrant-${props.city}-workbench-access`;
    const accessLogs = new LogGroup(this, "AccessLogs", {
      logGroupName: accessLogName,
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
    });
    allowLogsToEncrypt(props.key, "workbenchAccess", accessLogName, Stack.of(this));
    new HttpStage(this, "Stage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    const integration = new HttpLambdaIntegration("Handler", this.fn.fn);
    for (const route of WORKBENCH_ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }
    this.grantInvoke(props.workbench);
    Validations.of(this.fn.fn).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x on purpose, as ingest and relay are: the bundle is built, tested and measured on the project's Node 22; a newer runtime is a deliberate upgrade.",
    });
  }

  /** Reads the ledger (consistent Query, GetItem, BatchGetItem; no Scan) and publishes staff facts. */
  private apiFunction(props: WorkbenchProps): BundledFunction {
    const fn = new BundledFunction(this, "Handler", {
      city: props.city,
      key: props.key,
      rawCity: props.rawCity,
      name: "workbench",
      timeout: Duration.seconds(29),
      memorySize: 512,
      // exceljs (the XLSX exports) is CommonJS and loads Node built-ins.
      requireBuiltins: true,
      environment: { TABLE_NAME: props.table.tableName, STAFF_QUEUE_URL: props.staffQueue.queueUrl },
    });
    const indexes = Object.values(LEDGER_TABLE.indexes).map((i) => `${props.table.tableArn}/index/${i.name}`);
    fn.allow(
      "ReadLedger",
      ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem"],
      [props.table.tableArn],
    );
    fn.allow("ReadFinanceIndexes", ["dynamodb:Query"], indexes);
    fn.allow("PublishStaffFacts", ["sqs:SendMessage"], [props.staffQueue.queueArn]);
    // Decrypt: the table's items; DescribeKey: DynamoDB's check of the customer-managed key; GenerateDataKey:
    // SendMessage to the encrypted queue.
    fn.allow("CityKey", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [props.key.keyArn]);
    return fn;
  }

  /**
   * Each workbench role's IAM roles (the city file's, in the stack's account) may invoke its routes and no
   * other: `…:execute-api:<region>:<account>:<api>/$default/<METHOD>/<path, * for each parameter>`.
   */
  private grantInvoke(workbench: WorkbenchFile): void {
    const stack = Stack.of(this);
    const arnOf = (method: string, path: string) =>
      stack.formatArn({
        service: "execute-api",
        resource: this.api.apiId,
        resourceName: `$default/${method}${path.replace(/\{[^/]+\}/g, "*")}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    const roles = new Map<string, Role>();
    const roleOf = (arn: string) => {
      const found = roles.get(arn) ?? (Role.fromRoleArn(this, `Staff${roles.size}`, arn) as Role);
      roles.set(arn, found);
      return found;
    };
    for (const role of STAFF_ROLES) {
      const routes = WORKBENCH_ROUTES.filter((r) => r.roles.includes(role));
      const policy = new Policy(this, `${pascal(role)}Invokes`, {
        statements: [
          new PolicyStatement({
            actions: ["execute-api:Invoke"],
            resources: routes.map((r) => arnOf(r.method, r.path)),
          }),
        ],
      });
      for (const arn of workbench.roles[role]) policy.attachToRole(roleOf(arn));
      // cdk-nag names each wildcard resource as it renders the ARN: acknowledged one route at a time.
      const apiId = `<${stack.getLogicalId(this.api.node.defaultChild as CfnElement)}>`;
      for (const route of routes.filter((r) => r.path.includes("{"))) {
        const arn = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/$default/${route.method}${route.path.replace(/\{[^/]+\}/g, "*")}`;
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${arn}]`,
          reason:
            "Each * is one path parameter of this one route (a period, a program, a batch id) in an execute-api ARN: the role may call exactly its routes, for any value of their parameters.",
        });
      }
    }
  }
}
