/**
 * A node:http request as API Gateway's HTTP API (payload format 2.0) hands it to a Lambda, and the
 * Lambda's result back onto the wire. The `/api` prefix is where the adapter mounts the API; the
 * function sees the route path alone, as behind the deployed API's `$default` stage.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  APIGatewayEventRequestContextIAMAuthorizer,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyResultV2,
} from "aws-lambda";

export const API_PREFIX = "/api";

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export function apiEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  authorizer: APIGatewayEventRequestContextIAMAuthorizer,
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const path = url.pathname.slice(API_PREFIX.length) || "/";
  // Header names lower case, repeated values joined with commas; cookies stay with the adapter.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === "cookie" || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const text = body.toString("utf8");
  const binary = body.length > 0 && !Buffer.from(text, "utf8").equals(body);
  const now = new Date();
  const method = request.method ?? "GET";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: authorizer.iam.accountId,
      apiId: "local",
      authorizer,
      domainName: url.host,
      domainPrefix: "127",
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: binary ? body.toString("base64") : text } : {}),
    isBase64Encoded: binary,
  };
}

/** The Lambda's result as API Gateway returns it: a structured result, or a bare value as JSON. */
export function send(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    json(response, 200, result);
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? "";
  response.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
}

export function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(value));
}

/** An error of the adapter itself, as the API's errors are: RFC 9457 problem+json. */
export function problem(response: ServerResponse, status: number, title: string, detail: string): void {
  response.writeHead(status, { "content-type": "application/problem+json; charset=utf-8" });
  response.end(JSON.stringify({ type: "about:blank", title, status, detail }));
}
