/**
 * The local workbench over HTTP (`npm start -- --serve`): one node:http server that serves the console's
 * static files at `/`, verifies every `/api/*` request's SigV4 signature as API Gateway's IAM authorisation
 * does, turns it into the HTTP API (v2) event an IAM-authorised call gives the deployed Lambda, and runs the
 * SAME handler module on it. `/dev/*` is the
 * development login and the clock control, which exist only here: the console learns of them from a flag
 * this adapter writes into the page, which the deployed console never gets.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResultV2, Context } from "aws-lambda";
import type { TemporaryCredentials } from "../console/src/sigv4";
import { apiEvent, json, problem, readBody, send } from "./api-event";
import { advanceClock, ledgerToday } from "./clock-control";
import { DEV_USERS, type DevLogin, type DevSession, issueCredentials } from "./dev-login";
import { LOCAL_REGION } from "./engines";
import { DevLoginError } from "./errors";
import { lambdaContext } from "./handlers";
import { verifySignature } from "./sigv4-verify";
import type { LocalStack } from "./stack";

export type WorkbenchHandler = (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface WorkbenchServerOptions {
  stack: LocalStack;
  /** The console's built static files (console/build.ts). */
  consoleDir: string;
  handler: WorkbenchHandler;
  login: DevLogin;
  /** 0 (default) picks a free port. */
  port?: number;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};
interface Issued {
  session: DevSession;
  credentials: TemporaryCredentials;
}

export class WorkbenchServer {
  /** Development sessions by their access key id: who signed in, as which role, and the secret to verify. */
  private readonly sessions = new Map<string, Issued>();
  private constructor(
    private readonly options: WorkbenchServerOptions,
    private readonly server: Server,
  ) {}

  static async start(options: WorkbenchServerOptions): Promise<WorkbenchServer> {
    const server = createServer();
    const workbench = new WorkbenchServer(options, server);
    server.on("request", (request, response) => void workbench.route(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", resolve);
    });
    return workbench;
  }

  /** Where the console's files are served from (a deployment's config.json would sit here). */
  get consoleDir(): string {
    return this.options.consoleDir;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.origin);
    try {
      if (url.pathname === "/api" || url.pathname.startsWith("/api/"))
        return await this.api(request, url, response);
      if (url.pathname.startsWith("/dev/")) return await this.dev(request, url, response);
      return await this.file(url.pathname, response);
    } catch (error) {
      const status = error instanceof DevLoginError ? 400 : 500;
      problem(
        response,
        status,
        status === 400 ? "Bad Request" : "Internal Server Error",
        (error as Error).message,
      );
    }
  }

  private async api(request: IncomingMessage, url: URL, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    // Deployed, API Gateway's IAM authorisation refuses a missing, bad or expired signature before the
    // function runs; here the same check, against the credentials the development login issued.
    const verdict = await verifySignature(request, url, body, (id) => this.sessions.get(id), LOCAL_REGION);
    if (!verdict.ok) return problem(response, 403, "Forbidden", verdict.message);
    const { session, credentials } = verdict.issued;
    const event = apiEvent(
      request,
      url,
      body,
      this.options.login.authorizer(session, credentials.accessKeyId),
    );
    const context = lambdaContext(
      `autogrant-${this.options.stack.options.city.city}-workbench`,
      event.requestContext.requestId,
      Date.now() + 30_000,
    );
    send(response, await this.options.handler(event, context));
  }

  private async dev(request: IncomingMessage, url: URL, response: ServerResponse): Promise<void> {
    const route = `${request.method} ${url.pathname}`;
    if (route === "POST /dev/login") {
      const { login, role } = JSON.parse((await readBody(request)).toString("utf8") || "{}");
      const session = this.options.login.session(String(login), String(role));
      const credentials = issueCredentials();
      this.sessions.set(credentials.accessKeyId, { session, credentials });
      return json(response, 200, { session, credentials, region: LOCAL_REGION });
    }
    if (route === "POST /dev/logout") {
      const { accessKeyId } = JSON.parse((await readBody(request)).toString("utf8") || "{}");
      this.sessions.delete(String(accessKeyId));
      return json(response, 200, {});
    }
    if (route === "GET /dev/clock")
      return json(response, 200, { today: await ledgerToday(this.options.stack) });
    if (route === "POST /dev/clock/advance")
      return json(response, 200, { today: await advanceClock(this.options.stack) });
    problem(response, 404, "Not Found", `${route} is no development route`);
  }

  private async file(pathname: string, response: ServerResponse): Promise<void> {
    const relative = normalize(pathname === "/" ? "/index.html" : pathname).replace(/^(\.\.[/\\])+/, "");
    const path = join(this.options.consoleDir, relative);
    if (!path.startsWith(this.options.consoleDir)) return problem(response, 404, "Not Found", pathname);
    const content = await readFile(path).catch(() => undefined);
    if (!content) return problem(response, 404, "Not Found", pathname);
    response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    if (relative !== "/index.html") return void response.end(content);
    const today = await ledgerToday(this.options.stack);
    response.end(withDevFlag(content.toString("utf8"), today ? Number(today.slice(0, 4)) : undefined));
  }
}

/** The flag that shows the console its development login and clock control: written only by this adapter. */
function withDevFlag(html: string, period: number | undefined): string {
  const dev = { users: DEV_USERS, period };
  return html.replace(
    "</head>",
    `<script>globalThis.AUTOGRANT_DEV = ${JSON.stringify(dev)};</script></head>`,
  );
}
