import type { AnyMessage, DataOf, FactType } from "../contract";

/** A fact another one needs before it can apply; absent → the dependent waits (queues do not keep order). */
export interface Requirement {
  type: FactType;
  naturalKey: string;
}

/**
 * Per fact type, from the event contract's "Natural keys, replays and corrections": the natural key,
 * whether a later `time` replaces the standing fact, what it needs first, and whether it removes its
 * original (a revocation stops the certificate counting everywhere it counted).
 */
interface TypeRules<T extends FactType> {
  naturalKey(data: DataOf<T>): string;
  replacing: boolean;
  requires?(data: DataOf<T>): Requirement[];
  /** The fact this one takes out of every total it was in. */
  removes?(data: DataOf<T>): Requirement;
}

const key = (...parts: readonly (string | number)[]) => parts.join("#");

export const TYPE_RULES: { [T in FactType]: TypeRules<T> } = {
  "hte.certification.granted": { naturalKey: (d) => d.certificateNo, replacing: false },
  "hte.certification.revoked": {
    naturalKey: (d) => d.certificateNo,
    replacing: false,
    requires: (d) => [{ type: "hte.certification.granted", naturalKey: d.certificateNo }],
    removes: (d) => ({ type: "hte.certification.granted", naturalKey: d.certificateNo }),
  },
  "district.target.set": { naturalKey: (d) => key(d.district, d.year), replacing: true },
  "carrier.accredited": { naturalKey: (d) => key(d.carrier.id, d.level, d.kind), replacing: false },
  "carrier.evaluated": { naturalKey: (d) => key(d.carrier.id, d.year), replacing: true },
  "rd.expense.verified": { naturalKey: (d) => key(d.enterprise.uscc, d.fiscalYear), replacing: true },
  "voucher.redeemed": { naturalKey: (d) => d.voucherId, replacing: false },
  "loan.filed": { naturalKey: (d) => d.loanId, replacing: false },
  "loan.defaulted": {
    naturalKey: (d) => d.loanId,
    replacing: true,
    requires: (d) => [{ type: "loan.filed", naturalKey: d.loanId }],
  },
  "loan.recovered": {
    naturalKey: (d) => d.loanId,
    replacing: true,
    requires: (d) => [
      { type: "loan.defaulted", naturalKey: d.loanId },
      { type: "loan.filed", naturalKey: d.loanId },
    ],
  },
  "innovation-center.accredited": { naturalKey: (d) => key(d.enterprise.uscc, d.level), replacing: false },
  "product.first-purchase.recorded": { naturalKey: (d) => d.productId, replacing: false },
  "tech-contract.registered": { naturalKey: (d) => d.contractNo, replacing: false },
  "tech-contract.cancelled": {
    naturalKey: (d) => d.contractNo,
    replacing: false,
    requires: (d) => [{ type: "tech-contract.registered", naturalKey: d.contractNo }],
    removes: (d) => ({ type: "tech-contract.registered", naturalKey: d.contractNo }),
  },
  "transfer-institution.accredited": { naturalKey: (d) => key(d.institution.id, d.level), replacing: false },
};

export function rulesOf<T extends FactType>(message: AnyMessage & { type: T }): TypeRules<T> {
  return TYPE_RULES[message.type] as TypeRules<T>;
}

/**
 * Fields the policy reads that the contract derives rather than sends: a first purchase qualifies only
 * on or before the product's filing expiry (§二(五)16), which a city file tests as `withinFiling`.
 */
export function derivedFields(type: FactType, data: unknown): Record<string, unknown> {
  if (type === "product.first-purchase.recorded") {
    const d = data as DataOf<"product.first-purchase.recorded">;
    return { withinFiling: d.purchasedOn <= d.productFiledUntil };
  }
  return {};
}
