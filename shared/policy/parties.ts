import type { FactType } from "../contract";
import { valueAt } from "./fields";

export type BeneficiaryKind = "enterprise" | "team" | "carrier" | "district" | "bank" | "institution";
/** How people name each kind of beneficiary (reports, exports): Chinese, as the city files are. */
export const BENEFICIARY_KIND_NAMES: Record<BeneficiaryKind, string> = {
  enterprise: "企业",
  team: "团队",
  carrier: "载体",
  district: "区县",
  bank: "银行",
  institution: "机构",
};

export interface Beneficiary {
  kind: BeneficiaryKind;
  id: string;
  name: string;
}

export interface PartyContext {
  districtName(id: string): string | undefined;
}

type Resolve = (data: unknown, context: PartyContext) => Beneficiary | undefined;

/** An enterprise party `{uscc, name}`: the beneficiary id is its USCC. */
const enterprise =
  (path: string): Resolve =>
  (data) => {
    const party = valueAt(data, path) as { uscc?: string; name?: string } | undefined;
    return party?.uscc && party.name ? { kind: "enterprise", id: party.uscc, name: party.name } : undefined;
  };

/** An organisation party `{id, name}` (carrier, bank, institution). */
const organisation =
  (path: string, kind: BeneficiaryKind): Resolve =>
  (data) => {
    const party = valueAt(data, path) as { id?: string; name?: string } | undefined;
    return party?.id && party.name ? { kind, id: party.id, name: party.name } : undefined;
  };

const district: Resolve = (data, context) => {
  const id = valueAt(data, "district");
  if (typeof id !== "string") return undefined;
  return { kind: "district", id, name: context.districtName(id) ?? id };
};

/** A voucher holder: an SME is an enterprise (id = USCC), otherwise a team. */
const holder: Resolve = (data) => {
  const party = valueAt(data, "holder") as { id: string; name: string; kind: string } | undefined;
  if (!party) return undefined;
  return { kind: party.kind === "sme" ? "enterprise" : "team", id: party.id, name: party.name };
};

/**
 * The parties of each fact type a program may pay, by the role name a city file uses as `beneficiary`.
 * A role whose party is absent in a fact (no `incubator`, no `intermediary`) pays nothing for it.
 */
export const PARTY_ROLES: Partial<Record<FactType, Record<string, Resolve>>> = {
  "hte.certification.granted": {
    enterprise: enterprise("enterprise"),
    incubator: organisation("incubator", "carrier"),
    district,
  },
  "district.target.set": { district },
  "carrier.accredited": { carrier: organisation("carrier", "carrier") },
  "carrier.evaluated": { carrier: organisation("carrier", "carrier") },
  "rd.expense.verified": { enterprise: enterprise("enterprise") },
  "voucher.redeemed": { holder },
  "loan.filed": { bank: organisation("bank", "bank"), borrower: enterprise("borrower") },
  "innovation-center.accredited": { enterprise: enterprise("enterprise") },
  "product.first-purchase.recorded": { developer: enterprise("developer"), buyer: enterprise("buyer") },
  "tech-contract.registered": {
    seller: enterprise("seller"),
    buyer: enterprise("buyer"),
    intermediary: organisation("intermediary", "institution"),
  },
  "transfer-institution.accredited": { institution: organisation("institution", "institution") },
};

export function resolveParty(
  type: FactType,
  role: string,
  data: unknown,
  context: PartyContext,
): Beneficiary | undefined {
  return PARTY_ROLES[type]?.[role]?.(data, context);
}
