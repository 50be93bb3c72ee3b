import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseCityConfig } from "../../shared/policy/city";
import { CityConfigError } from "../../shared/policy/errors";
import { CITIES_DIR, readCity } from "../../shared/policy/files";
import { staffIdentityOf, type WorkbenchFile } from "../../shared/policy/workbench";

const jinan = () => JSON.parse(readFileSync(join(CITIES_DIR, "jinan.json"), "utf8"));
type Edit = (city: ReturnType<typeof jinan>) => void;

describe("the city file's workbench section", () => {
  test.each(["jinan", "chongqing"])("%s names every workbench role and its staff", (id) => {
    const workbench = readCity(id).file.workbench;
    expect(Object.keys(workbench?.roles ?? {}).sort()).toEqual(["approver", "auditor", "preparer", "viewer"]);
    expect(Object.keys(workbench?.names ?? {}).length).toBeGreaterThanOrEqual(4);
  });

  test("a city without one loads: it has no workbench API", () => {
    const city = jinan();
    delete city.workbench;
    expect(parseCityConfig(city, "cities/jinan.json").file.workbench).toBeUndefined();
  });

  const broken: [string, Edit, RegExp][] = [
    [
      "a workbench role left out",
      (c) => {
        delete c.workbench.roles.auditor;
      },
      /workbench\.roles\.auditor/,
    ],
    [
      "a workbench role with no IAM role",
      (c) => {
        c.workbench.roles.viewer = [];
      },
      /workbench\.roles\.viewer/,
    ],
    [
      "an unknown workbench role",
      (c) => {
        c.workbench.roles.superuser = ["arn:aws:iam::111111111111:role/x"];
      },
      /workbench\.roles/,
    ],
    [
      "a role of another account: an HTTP API has no resource policy to admit it",
      (c) => {
        c.workbench.roles.approver = ["arn:aws:iam::999999999999:role/jinan-workbench-approver"];
      },
      /workbench\.roles\.approver\[0\]: must be in the identity provider's account 111111111111/,
    ],
    [
      "a user instead of a role",
      (c) => {
        c.workbench.roles.viewer = ["arn:aws:iam::111111111111:user/wang.min"];
      },
      /workbench\.roles\.viewer\[0\]: must be an IAM role ARN/,
    ],
    [
      "a role listed twice under one workbench role",
      (c) => {
        c.workbench.roles.viewer = [c.workbench.roles.viewer[0], c.workbench.roles.viewer[0]];
      },
      /workbench\.roles\.viewer\[1\]: .* is listed twice/,
    ],
    [
      "an identity provider that is not one",
      (c) => {
        c.workbench.identityProvider = "arn:aws:iam::111111111111:role/idp";
      },
      /workbench\.identityProvider: must be an IAM SAML or OIDC provider ARN/,
    ],
    [
      "a login id in upper case (a staff fact's actor id is lower case)",
      (c) => {
        c.workbench.names["Wang.Min"] = "王敏";
      },
      /workbench\.names/,
    ],
    [
      "an empty name",
      (c) => {
        c.workbench.names["wang.min"] = " ";
      },
      /workbench\.names\.wang\.min/,
    ],
  ];
  test.each(broken)("a broken section fails naming the field: %s", (_name, edit, expected) => {
    const city = jinan();
    edit(city);
    const load = () => parseCityConfig(city, "cities/jinan.json");
    expect(load).toThrow(CityConfigError);
    expect(load).toThrow(expected);
  });
});

describe("who a verified caller is", () => {
  const workbench = readCity("jinan").file.workbench as WorkbenchFile;
  const session = (role: string, login: string, account = "111111111111", partition = "aws") =>
    `arn:${partition}:sts::${account}:assumed-role/${role}/${login}`;

  test("a preparer's session: the login id, its name and the role's workbench roles", () => {
    expect(staffIdentityOf(workbench, session("jinan-workbench-preparer", "wang.min"))).toEqual({
      ok: true,
      identity: { id: "wang.min", name: "王敏", roles: ["preparer"] },
    });
  });

  test("a role listed under two workbench roles gives both", () => {
    const found = staffIdentityOf(workbench, session("jinan-workbench-approver-auditor", "chen.jing"));
    expect(found).toEqual({
      ok: true,
      identity: { id: "chen.jing", name: "陈静", roles: ["approver", "auditor"] },
    });
  });

  test.each([
    [
      "a role of the same name in another account",
      session("jinan-workbench-viewer", "liu.yang", "222222222222"),
    ],
    ["another partition", session("jinan-workbench-viewer", "liu.yang", "111111111111", "aws-cn")],
    ["a role not in the city file", session("jinan-bureau-operator", "liu.yang")],
    ["an IAM user, not a role session", "arn:aws:iam::111111111111:user/liu.yang"],
    ["a session name that is no login id", session("jinan-workbench-viewer", "Liu.Yang")],
    ["a login id with no name", session("jinan-workbench-viewer", "nobody")],
  ])("refused: %s", (_name, arn) => {
    const found = staffIdentityOf(workbench, arn);
    expect(found.ok).toBe(false);
    expect(found.ok ? "" : found.problem).toMatch(/\w/);
  });
});
