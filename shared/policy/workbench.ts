import { z } from "zod";
import { STAFF_ROLES } from "../contract";
import { ORGANISATION_ID_PATTERN } from "../contract/strings";

/**
 * The finance workbench's access (docs/contract/workbench.md § Access): the identity provider staff are
 * federated from, the IAM roles of each workbench role, and the names of the people by login id. HTTP APIs
 * have no resource policy, so every ARN is of the stack's own account: one account for all of them.
 */
export type WorkbenchRole = (typeof STAFF_ROLES)[number];

const ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):/;
const roleArn = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, {
    message: "must be an IAM role ARN",
  });

export const workbenchSchema = z
  .strictObject({
    /** The IAM SAML or OIDC provider the workbench roles trust. */
    identityProvider: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(saml-provider\/[\w.-]+|oidc-provider\/[\w./:-]+)$/, {
        message: "must be an IAM SAML or OIDC provider ARN",
      }),
    roles: z.strictObject(
      Object.fromEntries(STAFF_ROLES.map((role) => [role, z.array(roleArn).min(1)])) as Record<
        WorkbenchRole,
        z.ZodArray<typeof roleArn>
      >,
    ),
    /** Login id (the role session name) → the person's name, as staff facts carry it. */
    names: z.record(
      z.string().regex(ORGANISATION_ID_PATTERN, "a login id is 1–64 characters a-z, 0-9, '.', '_', '-'"),
      z.string().trim().min(1).max(200),
    ),
  })
  .superRefine((w, ctx) => {
    for (const problem of workbenchProblems(w)) ctx.addIssue({ code: "custom", ...problem });
  });
export type WorkbenchFile = z.output<typeof workbenchSchema>;

function workbenchProblems(w: {
  identityProvider: string;
  roles: Record<WorkbenchRole, string[]>;
}): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const [, partition, account] = ARN.exec(w.identityProvider) ?? [];
  for (const role of STAFF_ROLES) {
    const arns = w.roles[role];
    for (const [i, arn] of arns.entries()) {
      const [, p, a] = ARN.exec(arn) ?? [];
      if (p !== partition || a !== account) {
        problems.push({
          path: ["roles", role, i],
          message: `must be in the identity provider's account ${account} (${partition}): an HTTP API admits no other account`,
        });
      }
      if (arns.indexOf(arn) !== i) {
        problems.push({ path: ["roles", role, i], message: `${arn} is listed twice` });
      }
    }
  }
  return problems;
}

/** The caller as the API acts on it: the staff fact's `actor`. */
export interface StaffIdentity {
  id: string;
  name: string;
  roles: WorkbenchRole[];
}

export type IdentityResult = { ok: true; identity: StaffIdentity } | { ok: false; problem: string };

const ASSUMED_ROLE =
  /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/(.{2,64})$/;

/**
 * Who a verified caller is: `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>` → the
 * workbench roles listing that account's role of that name (an assumed-role ARN has no path) and the person
 * named by the session. Anything else — a user, a role not listed, a session that is no named login id — is
 * no one the workbench knows.
 */
export function staffIdentityOf(workbench: WorkbenchFile, userArn: string): IdentityResult {
  const match = ASSUMED_ROLE.exec(userArn);
  if (!match) return { ok: false, problem: "the caller is not a session of a workbench role" };
  const [, partition, account, roleName, session = ""] = match;
  const sameRole = (arn: string) => {
    const [, p, a] = ARN.exec(arn) ?? [];
    return p === partition && a === account && arn.slice(arn.lastIndexOf("/") + 1) === roleName;
  };
  const roles = STAFF_ROLES.filter((role) => workbench.roles[role].some(sameRole));
  if (!roles.length) return { ok: false, problem: `role ${roleName} is not a workbench role of this city` };
  if (!ORGANISATION_ID_PATTERN.test(session))
    return { ok: false, problem: "the session name is not a login id" };
  const name = workbench.names[session];
  if (name === undefined) return { ok: false, problem: `login id ${session} has no name in the city file` };
  return { ok: true, identity: { id: session, name, roles } };
}

/** One route of the workbench API and the workbench roles it admits: what the handler checks and IAM grants. */
export interface WorkbenchRouteSpec {
  id: string;
  method: "GET" | "POST";
  /** API Gateway's path template: `{name}` for a parameter. */
  path: string;
  roles: readonly WorkbenchRole[];
}

const ANY: readonly WorkbenchRole[] = STAFF_ROLES;
const batch = "/periods/{period}/programs/{program}/batches/{batchId}";

/**
 * Every route (docs/contract/workbench.md § Routes). The stack makes an IAM-authorised route of each and
 * lets each workbench role's IAM roles invoke exactly its routes; the handler checks the same roles.
 * Trace routes (branch wb-trace) are added here and in functions/workbench/routes/index.ts.
 */
export const WORKBENCH_ROUTES: readonly WorkbenchRouteSpec[] = [
  { id: "overview", method: "GET", path: "/periods/{period}/overview", roles: ANY },
  { id: "lines", method: "GET", path: "/periods/{period}/programs/{program}/lines", roles: ANY },
  { id: "payouts", method: "GET", path: "/periods/{period}/payouts", roles: ANY },
  { id: "beneficiaryPayouts", method: "GET", path: "/beneficiaries/{kind}/{id}/payouts", roles: ANY },
  { id: "budgets", method: "GET", path: "/periods/{period}/budgets", roles: ANY },
  { id: "batches", method: "GET", path: "/periods/{period}/programs/{program}/batches", roles: ANY },
  { id: "publicityXlsx", method: "GET", path: `${batch}/publicity.xlsx`, roles: ANY },
  { id: "publicityCsv", method: "GET", path: `${batch}/publicity.csv`, roles: ANY },
  { id: "paymentsXlsx", method: "GET", path: `${batch}/payments.xlsx`, roles: ANY },
  { id: "paymentsCsv", method: "GET", path: `${batch}/payments.csv`, roles: ANY },
  { id: "reconciliation", method: "GET", path: "/periods/{period}/reconciliation", roles: ["auditor"] },
  { id: "closeBatch", method: "POST", path: "/batches/{batchId}/close", roles: ["preparer"] },
  { id: "approveBatch", method: "POST", path: "/batches/{batchId}/approve", roles: ["approver"] },
  { id: "allocateBudget", method: "POST", path: "/budgets", roles: ["approver"] },
];
