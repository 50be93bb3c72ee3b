import { createHash } from "node:crypto";
import { USCC_ALPHABET, usccCheckCharacter } from "../../shared/contract/uscc";

/** A valid USCC for a test alias (`E1` → always the same 18 characters, check character included). */
export function usccFor(alias: string): string {
  const digest = createHash("sha256").update(alias).digest();
  const body = [...digest.subarray(0, 9)].map((b) => USCC_ALPHABET.charAt(b % USCC_ALPHABET.length)).join("");
  const first17 = `91370102${body}`;
  return first17 + usccCheckCharacter(first17);
}

/** Staff by role, for lifecycle scenarios: the workbench's authenticated identities. */
export const ACTORS: Record<string, { id: string; name: string; roles: string[] }> = {
  preparer: { id: "wangmin", name: "王敏", roles: ["preparer"] },
  approver: { id: "zhangqiang", name: "张强", roles: ["approver"] },
  "preparer-approver": { id: "wangmin", name: "王敏", roles: ["preparer", "approver"] },
  viewer: { id: "liuyang", name: "刘洋", roles: ["viewer"] },
};

const ENTERPRISE_ROLES = new Set(["enterprise", "developer", "buyer", "seller", "borrower"]);
const ORGANISATION_ROLES = new Set(["incubator", "carrier", "bank", "intermediary", "institution"]);

/**
 * Scenario shorthand: `enterprise: E1` becomes `{uscc, name}`; `seller: {ref: E1, kind: enterprise}`
 * keeps the other fields; `incubator: C1` becomes `{id: "c1", name}` (organisation ids are lower case); `holder: {ref: E1, kind: sme}`
 * takes the USCC for an SME and the alias for a team.
 */
export function expandParties(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const ref = typeof value === "string" ? value : (value as { ref?: string } | null)?.ref;
    const rest = typeof value === "object" && value !== null ? { ...(value as object) } : {};
    delete (rest as { ref?: string }).ref;
    if (ENTERPRISE_ROLES.has(key) && ref)
      out[key] = { uscc: usccFor(ref), name: `${ref} 科技有限公司`, ...rest };
    else if (ORGANISATION_ROLES.has(key) && ref)
      out[key] = { id: organisationId(ref), name: `${ref} 机构`, ...rest };
    else if (key === "actor" && typeof value === "string") out[key] = ACTORS[value] ?? value;
    else if (key === "uscc" && typeof value === "string" && /^E\d+$/.test(value)) out[key] = usccFor(value);
    else if (key === "beneficiary" && ref) {
      const kind = (rest as { kind?: string }).kind ?? "enterprise";
      out[key] = { kind, id: kind === "enterprise" ? usccFor(ref) : organisationId(ref) };
    } else if (key === "holder" && ref) {
      const kind = (rest as { kind?: string }).kind;
      out[key] = { id: kind === "sme" ? usccFor(ref) : organisationId(ref), name: `${ref} 团队`, ...rest };
    } else out[key] = value;
  }
  return out;
}

/** An organisation alias (`C1`) as the contract spells organisation ids: lower case (`c1`). */
const organisationId = (alias: string) => alias.toLowerCase();

/** An expected beneficiary alias → its id: enterprise aliases (`E…`) are USCCs, organisations lower case. */
export function beneficiaryId(alias: string | number): string {
  const text = String(alias);
  return /^E\d+$/.test(text) ? usccFor(text) : organisationId(text);
}
