import type { CityPolicy } from "../../shared/policy/city";
import {
  type StaffIdentity,
  staffIdentityOf,
  type WorkbenchRole,
  type WorkbenchRouteSpec,
} from "../../shared/policy/workbench";
import { ForbiddenError, UnauthenticatedError } from "./errors";
import type { WorkbenchEvent } from "./http";

/**
 * The caller, only from the authorizer's verified context (`requestContext.authorizer.iam.userArn`):
 * never a header, never a body field. Deployed, API Gateway has already checked the SigV4 signature and
 * the caller's execute-api:Invoke on this route; this checks the city file's roles again.
 */
export function callerOf(event: WorkbenchEvent, city: CityPolicy): StaffIdentity {
  const userArn = event.requestContext?.authorizer?.iam?.userArn;
  if (typeof userArn !== "string" || !userArn) {
    throw new UnauthenticatedError("the request carries no IAM identity (sign it with SigV4)");
  }
  const workbench = city.file.workbench;
  if (!workbench) throw new ForbiddenError(`${city.city} names no workbench roles`);
  const found = staffIdentityOf(workbench, userArn);
  if (!found.ok) throw new ForbiddenError(found.problem);
  return found.identity;
}

/** The caller holds one of the route's workbench roles, or is refused naming what it needs. */
export function requireRole(identity: StaffIdentity, route: WorkbenchRouteSpec): void {
  if (route.roles.some((role) => identity.roles.includes(role))) return;
  throw new ForbiddenError(
    `${route.method} ${route.path} needs ${rolesText(route.roles)}; ${identity.id} signed in as ${rolesText(identity.roles)}`,
  );
}

const rolesText = (roles: readonly WorkbenchRole[]) => roles.join(" or ");
