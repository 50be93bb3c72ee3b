import type { RouteHandler } from "../app";
import { actionRoutes } from "./actions";
import { exportRoutes } from "./exports";
import { overviewRoutes } from "./overview";
import { periodRoutes } from "./periods";
import { readRoutes } from "./reads";
import { reconciliationRoutes } from "./reconciliation";
import { traceRoutes } from "./trace";

/**
 * Every route's handler by its id in WORKBENCH_ROUTES (shared/policy/workbench.ts), one module per area.
 * app.ts refuses to start if a spec has no handler.
 */
const ROUTE_MODULES: readonly Record<string, RouteHandler>[] = [
  readRoutes,
  periodRoutes,
  overviewRoutes,
  exportRoutes,
  reconciliationRoutes,
  actionRoutes,
  traceRoutes,
];

export const ROUTE_HANDLERS: Readonly<Record<string, RouteHandler>> = Object.assign({}, ...ROUTE_MODULES);
