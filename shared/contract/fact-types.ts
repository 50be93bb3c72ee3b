/** The entitlement facts (events.md), in the order the contract lists them: registries assert them. */
export const ENTITLEMENT_TYPES = [
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

/** The payment lifecycle's facts (payments.md): the clock, staff, publicity office, credit registry, portal, treasury. */
export const LIFECYCLE_TYPES = [
  "clock.day",
  "batch.closed",
  "batch.approved",
  "budget.allocated",
  "hold.released",
  "objection.filed",
  "objection.resolved",
  "credit.restricted",
  "credit.cleared",
  "payee.confirmed",
  "payee.revoked",
  "payee.declined",
  "disbursement.paid",
  "disbursement.failed",
  "recovery.received",
] as const;

/** Every fact type of the inbound contract. */
export const FACT_TYPES = [...ENTITLEMENT_TYPES, ...LIFECYCLE_TYPES] as const;

export type FactType = (typeof FACT_TYPES)[number];
export type EntitlementType = (typeof ENTITLEMENT_TYPES)[number];
export type LifecycleType = (typeof LIFECYCLE_TYPES)[number];

const LIFECYCLE_SET: ReadonlySet<string> = new Set(LIFECYCLE_TYPES);

export function isLifecycleType(type: FactType): type is LifecycleType {
  return LIFECYCLE_SET.has(type);
}

const FACT_TYPE_SET: ReadonlySet<string> = new Set(FACT_TYPES);

export function isFactType(type: string): type is FactType {
  return FACT_TYPE_SET.has(type);
}
