import type { Context } from "aws-lambda";
import type { WorkbenchEvent, WorkbenchResult } from "../../functions/workbench/http";

/** A workbench caller: an IAM role session, as API Gateway's IAM authorizer reports it. */
export interface Session {
  role: string;
  login: string;
  account?: string;
}

export interface CallOptions {
  as?: Session;
  query?: Record<string, string>;
  body?: unknown;
  /** A body sent as is (not JSON-encoded). */
  raw?: string;
  /** The Idempotency-Key header. */
  key?: string;
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads response JSON by path
  json: any;
}

/** An API Gateway HTTP API event (payload 2.0) for one call, with the IAM context a signed request gets. */
export function workbenchEvent(method: string, path: string, options: CallOptions = {}): WorkbenchEvent {
  const account = options.as?.account ?? "111111111111";
  const userArn = options.as
    ? `arn:aws:sts::${account}:assumed-role/${options.as.role}/${options.as.login}`
    : "";
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const query = options.query ?? {};
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.key ? { "idempotency-key": options.key } : {}),
    },
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: account,
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
      requestId: "test",
      routeKey: "$default",
      stage: "$default",
      time: "",
      timeEpoch: 0,
      authorizer: {
        iam: {
          accessKey: "",
          accountId: account,
          callerId: "",
          cognitoIdentity: null,
          principalOrgId: "",
          userArn,
          userId: "",
        },
      },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as WorkbenchEvent;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Response>;

/** Calls a workbench handler as API Gateway would and reads its response. */
export function callWith(
  handler: (event: WorkbenchEvent, context: Context) => Promise<WorkbenchResult>,
): Call {
  return async (method, path, options) => {
    const result = await handler(workbenchEvent(method, path, options), {} as Context);
    const body = result.body ?? "";
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const isJson = /json/.test(headers["content-type"] ?? "");
    return { status: result.statusCode ?? 200, headers, body, json: isJson ? JSON.parse(body) : undefined };
  };
}
