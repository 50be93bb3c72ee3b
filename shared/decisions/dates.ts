import type { DataOf, FactType } from "../contract";

/**
 * The date (or year) that picks a fact's policy version and period. Dependent facts are dated by what
 * they depend on: everything about a loan by its filing, a revocation or cancellation by its original.
 */
export function policyDateOf(type: FactType, data: unknown): string | number | undefined {
  switch (type) {
    case "hte.certification.granted":
      return (data as DataOf<typeof type>).issuedOn;
    case "district.target.set":
      return (data as DataOf<typeof type>).year;
    case "carrier.accredited":
      return (data as DataOf<typeof type>).accreditedOn;
    case "carrier.evaluated":
      return (data as DataOf<typeof type>).year;
    case "rd.expense.verified":
      return (data as DataOf<typeof type>).fiscalYear;
    case "voucher.redeemed":
      return (data as DataOf<typeof type>).redeemedOn;
    case "loan.filed":
      return (data as DataOf<typeof type>).filedOn;
    case "innovation-center.accredited":
      return (data as DataOf<typeof type>).accreditedOn;
    case "product.first-purchase.recorded":
      return (data as DataOf<typeof type>).purchasedOn;
    case "tech-contract.registered":
      return (data as DataOf<typeof type>).registeredOn;
    case "transfer-institution.accredited":
      return (data as DataOf<typeof type>).accreditedOn;
    default:
      return undefined; // dated by the fact it depends on
  }
}

/** The period: the calendar year of the policy date. */
export function periodOf(dateOrYear: string | number): number {
  return typeof dateOrYear === "number" ? dateOrYear : Number(dateOrYear.slice(0, 4));
}
