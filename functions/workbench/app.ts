import middy from "@middy/core";
import httpRouterHandler, { type Route } from "@middy/http-router";
import type { Context } from "aws-lambda";
import { LedgerUnavailableError } from "../../shared/ledger/errors";
import type { LedgerReader } from "../../shared/ledger/reader";
import type { CityPolicy } from "../../shared/policy/city";
import { type StaffIdentity, WORKBENCH_ROUTES, type WorkbenchRouteSpec } from "../../shared/policy/workbench";
import {
  FactNotPublishedError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  UnavailableError,
  WorkbenchProblemError,
} from "./errors";
import { problemResult, type WorkbenchEvent, type WorkbenchResult } from "./http";
import { callerOf, requireRole } from "./identity";
import { ROUTE_HANDLERS } from "./routes";

/** Sends one staff fact (a CloudEvent as JSON) on the workbench's ingest queue. */
export interface StaffChannel {
  send(body: string): Promise<void>;
}

export interface WorkbenchDeps {
  city: CityPolicy;
  reader: LedgerReader;
  staff: StaffChannel;
  /** An RFC 3339 instant: the staff fact's `time`. */
  now: () => string;
  logError?: (message: string, error: unknown) => void;
}

/** What a route handler gets: the request, the verified caller and the ports. */
export interface RouteContext {
  event: WorkbenchEvent;
  caller: StaffIdentity;
  route: WorkbenchRouteSpec;
  deps: WorkbenchDeps;
}
export type RouteHandler = (context: RouteContext) => Promise<WorkbenchResult>;

/**
 * The workbench API as one API Gateway v2 handler (payload format 2.0): the routes of WORKBENCH_ROUTES, each
 * checking the caller's workbench role before it reads or publishes anything; every error a problem+json.
 * The deployed function (handler.ts) and the local HTTP adapter call the same handler.
 */
export function createWorkbenchHandler(deps: WorkbenchDeps) {
  const routes: Route<WorkbenchEvent, WorkbenchResult>[] = WORKBENCH_ROUTES.map((route) => {
    const handle = ROUTE_HANDLERS[route.id];
    if (!handle) throw new Error(`workbench route ${route.id} has no handler (functions/workbench/routes)`);
    return {
      method: route.method,
      path: route.path,
      handler: async (event: WorkbenchEvent) => {
        const caller = callerOf(event, deps.city);
        requireRole(caller, route);
        return handle({ event, caller, route, deps });
      },
    };
  });
  const router = httpRouterHandler<WorkbenchEvent, WorkbenchResult>({
    routes,
    notFoundResponse: ({ method, path }) => {
      if (WORKBENCH_ROUTES.some((route) => route.method !== method && templateOf(route.path).test(path)))
        throw new MethodNotAllowedError(`${method} is not a method of ${path}`);
      throw new NotFoundError(`no route ${method} ${path}`);
    },
  });
  return middy<WorkbenchEvent, WorkbenchResult, Error, Context>()
    .onError(async (request) => {
      request.response = problemResult(
        problemOf(request.error, deps),
        request.event?.requestContext?.http?.path,
      );
    })
    .handler(router as unknown as (event: WorkbenchEvent, context: Context) => Promise<WorkbenchResult>);
}

function templateOf(path: string): RegExp {
  const escaped = path.replace(/[.+?^$()|[\]\\]/g, "\\$&").replace(/\{[^/]+\}/g, "[^/]+");
  return new RegExp(`^${escaped}/?$`);
}

/** Every error as a problem: ours as they are; the ports' outages 503; anything else 500, logged. */
function problemOf(error: unknown, deps: WorkbenchDeps): WorkbenchProblemError {
  if (error instanceof WorkbenchProblemError) return error;
  if (error instanceof LedgerUnavailableError || error instanceof FactNotPublishedError) {
    deps.logError?.("workbench: a port is unavailable", error);
    return new UnavailableError("try again; an action sent again with its Idempotency-Key is one fact", {
      cause: error,
    });
  }
  deps.logError?.("workbench: unexpected error", error);
  return new InternalError("the request failed; it is logged", { cause: error });
}
