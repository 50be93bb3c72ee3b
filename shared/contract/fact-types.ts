/** The fact types of the inbound contract, in the order the contract lists them. */
export const FACT_TYPES = [
  "hte.certification.granted",
  "hte.certification.revoked",
  "district.target.set",
  "carrier.accredited",
  "carrier.evaluated",
  "rd.expense.verified",
  "voucher.redeemed",
  "loan.filed",
  "loan.defaulted",
  "loan.recovered",
  "innovation-center.accredited",
  "product.first-purchase.recorded",
  "tech-contract.registered",
  "tech-contract.cancelled",
  "transfer-institution.accredited",
] as const;

export type FactType = (typeof FACT_TYPES)[number];

const FACT_TYPE_SET: ReadonlySet<string> = new Set(FACT_TYPES);

export function isFactType(type: string): type is FactType {
  return FACT_TYPE_SET.has(type);
}
