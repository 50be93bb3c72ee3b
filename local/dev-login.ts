/**
 * The development login of the local workbench (workbench.md § Access): named users per role, and the
 * request context the IAM authorizer would give a federated session of theirs — `userArn` =
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<login id>`, the role ARN taken from the city
 * file's `workbench.roles`. Only this adapter knows these people; the handler sees what it sees deployed.
 * Signing in stands in for the identity broker: the session gets temporary credentials, which the console
 * signs every API call with and the adapter verifies (sigv4-verify.ts).
 */
import { randomBytes } from "node:crypto";
import type { APIGatewayEventRequestContextIAMAuthorizer } from "aws-lambda";
import type { TemporaryCredentials } from "../console/src/sigv4";
import type { CityPolicy } from "../shared/policy/city";
import type { WorkbenchRole } from "../shared/policy/workbench";
import { DevLoginError } from "./errors";

/** How long issued credentials last, as an assumed role's session does by default. */
const SESSION_MS = 60 * 60_000;
const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Temporary credentials as STS issues them: an `ASIA…` key id, a secret and a session token. */
export function issueCredentials(now: Date = new Date()): TemporaryCredentials {
  const id = [...randomBytes(16)].map((b) => KEY_ALPHABET[b % 32]).join("");
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(48).toString("base64"),
    expiration: new Date(now.getTime() + SESSION_MS).toISOString(),
  };
}

/** The contract's named users; 陈静 holds two roles, so she signs in twice (two sessions). */
export const DEV_USERS: readonly { login: string; name: string; roles: readonly WorkbenchRole[] }[] = [
  { login: "wang.min", name: "王敏", roles: ["preparer"] },
  { login: "zhang.qiang", name: "张强", roles: ["approver"] },
  { login: "chen.jing", name: "陈静", roles: ["approver", "auditor"] },
  { login: "liu.yang", name: "刘洋", roles: ["viewer"] },
];

export interface DevSession {
  login: string;
  name: string;
  role: WorkbenchRole;
}

export class DevLogin {
  private constructor(
    private readonly roles: Record<WorkbenchRole, string>,
    private readonly names: Record<string, string>,
  ) {}

  /** The first IAM role the city file's `workbench.roles` names for each workbench role. */
  static forCity(city: CityPolicy): DevLogin {
    const workbench = city.file.workbench;
    if (!workbench) throw new DevLoginError(`cities/${city.city}.json has no workbench section`);
    const first = (role: WorkbenchRole) => {
      const arn = workbench.roles[role][0];
      if (!arn) throw new DevLoginError(`cities/${city.city}.json names no ${role} role`);
      return arn;
    };
    const roles = {
      viewer: first("viewer"),
      preparer: first("preparer"),
      approver: first("approver"),
      auditor: first("auditor"),
    };
    return new DevLogin(roles, workbench.names);
  }

  /** The session for a user and one of their roles; a user or role not in DEV_USERS is refused. */
  session(login: string, role: string): DevSession {
    const user = DEV_USERS.find((u) => u.login === login);
    if (!user) throw new DevLoginError(`no development user ${login}`);
    const held = user.roles.find((r) => r === role);
    if (!held) throw new DevLoginError(`${login} does not hold the role ${role}`);
    return { login, name: this.names[login] ?? user.name, role: held };
  }

  /** requestContext.authorizer.iam as API Gateway builds it for a SigV4 call by this session. */
  authorizer(session: DevSession, accessKey: string): APIGatewayEventRequestContextIAMAuthorizer {
    const roleArn = this.roles[session.role];
    const [, partition, , , account, resource = ""] = roleArn.split(":");
    const roleName = resource.split("/").at(-1) ?? "";
    const roleId = `AROA${Buffer.from(roleName).toString("hex").slice(0, 17).toUpperCase()}`;
    return {
      iam: {
        accessKey,
        accountId: account ?? "",
        callerId: `${roleId}:${session.login}`,
        cognitoIdentity: null,
        // API Gateway sends null outside an organisation; the published types say string.
        principalOrgId: "",
        userArn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session.login}`,
        userId: `${roleId}:${session.login}`,
      },
    };
  }
}
