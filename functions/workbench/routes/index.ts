import type { RouteHandler } from "../app";
import { actionRoutes } from "./actions";
import { exportRoutes } from "./exports";
import { overviewRoutes } from "./overview";
import { periodRoutes } from "./periods";
import { readRoutes } from "./reads";
import { reconciliationRoutes } from "./reconciliation";

/**
 * Every route's handler by its id in WORKBENCH_ROUTES (shared/policy/workbench.ts), one module per area.
 * The trace routes (branch wb-trace) plug in here as one more module — `...traceRoutes` from
 * `./trace` — with their specs added to WORKBENCH_ROUTES (roles: auditor); app.ts refuses to start if a
 * spec has no handler.
 */
const ROUTE_MODULES: readonly Record<string, RouteHandler>[] = [
  readRoutes,
  periodRoutes,
  overviewRoutes,
  exportRoutes,
  reconciliationRoutes,
  actionRoutes,
  // traceRoutes (wb-trace)
];

export const ROUTE_HANDLERS: Readonly<Record<string, RouteHandler>> = Object.assign({}, ...ROUTE_MODULES);
