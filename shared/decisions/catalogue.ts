import type { AnyMessage, DataOf, FactType } from "../contract";
import { fenToYuan } from "../money";

/** A fact another one needs or reads; absent → a requirement waits (queues do not keep order). */
export interface Requirement {
  type: FactType;
  naturalKey: string;
}

/** The standing data of a fact this one read, or `undefined` when none stands. */
export type Standing = <T extends FactType>(type: T, naturalKey: string) => DataOf<T> | undefined;

/**
 * What the core knows about each fact type, one entry per type (the event contract's "Natural keys,
 * replays and corrections" and "Validation timing"): its natural key; whether a later `time` replaces the
 * standing fact; what it needs first; the fact it takes out of every total (a revocation); the facts it is
 * judged against when it applies, and how; the fact whose date dates it (everything about a loan by its
 * filing). A type with `removes` or `datedBy` has no policy date of its own.
 */
export interface TypeRules<T extends FactType> {
  naturalKey(data: DataOf<T>): string;
  replacing: boolean;
  requires?(data: DataOf<T>): Requirement[];
  removes?(data: DataOf<T>): Requirement;
  /** Facts read to judge this one that need not stand (a default is judged against the recovery). */
  judgedAgainst?(data: DataOf<T>): Requirement[];
  /** `<dotted path>: <what is wrong>` when it breaks a rule comparing it with standing facts. */
  judge?(data: DataOf<T>, standing: Standing): string | undefined;
  datedBy?(data: DataOf<T>): Requirement;
  /** Fields the policy reads that the contract derives rather than sends. */
  derived?(data: DataOf<T>): Record<string, unknown>;
}

const key = (...parts: readonly (string | number)[]) => parts.join("#");
const filing = (loanId: string): Requirement => ({ type: "loan.filed", naturalKey: loanId });

/**
 * A fact that withdraws the `original` standing under the same number (a revocation, a cancellation):
 * it waits for the original, then takes it out of every total.
 */
function withdrawal<T extends FactType>(
  original: FactType,
  numberOf: (data: DataOf<T>) => string,
): TypeRules<T> {
  const withdrawn = (data: DataOf<T>): Requirement => ({ type: original, naturalKey: numberOf(data) });
  return { naturalKey: numberOf, replacing: false, requires: (d) => [withdrawn(d)], removes: withdrawn };
}

export const TYPE_RULES: { [T in FactType]: TypeRules<T> } = {
  "hte.certification.granted": { naturalKey: (d) => d.certificateNo, replacing: false },
  "hte.certification.revoked": withdrawal("hte.certification.granted", (d) => d.certificateNo),
  "district.target.set": { naturalKey: (d) => key(d.district, d.year), replacing: true },
  "carrier.accredited": { naturalKey: (d) => key(d.carrier.id, d.level, d.kind), replacing: false },
  "carrier.evaluated": { naturalKey: (d) => key(d.carrier.id, d.year), replacing: true },
  "rd.expense.verified": { naturalKey: (d) => key(d.enterprise.uscc, d.fiscalYear), replacing: true },
  "voucher.redeemed": { naturalKey: (d) => d.voucherId, replacing: false },
  "loan.filed": { naturalKey: (d) => d.loanId, replacing: false },
  "loan.defaulted": {
    naturalKey: (d) => d.loanId,
    replacing: true,
    requires: (d) => [filing(d.loanId)],
    judgedAgainst: (d) => [{ type: "loan.recovered", naturalKey: d.loanId }],
    datedBy: (d) => filing(d.loanId),
    judge(d, standing) {
      const principal = standing("loan.filed", d.loanId)?.principal ?? 0n;
      const npp = d.nonPerformingPrincipal;
      if (npp > principal) {
        return `data.nonPerformingPrincipal: ${fenToYuan(npp)} is more than the filed principal ${fenToYuan(principal)}`;
      }
      const recovered = standing("loan.recovered", d.loanId)?.recovered ?? 0n;
      if (npp < recovered) {
        return `data.nonPerformingPrincipal: ${fenToYuan(npp)} is less than the standing recovered principal ${fenToYuan(recovered)}`;
      }
      return undefined;
    },
  },
  "loan.recovered": {
    naturalKey: (d) => d.loanId,
    replacing: true,
    requires: (d) => [{ type: "loan.defaulted", naturalKey: d.loanId }, filing(d.loanId)],
    datedBy: (d) => filing(d.loanId),
    judge(d, standing) {
      const npp = standing("loan.defaulted", d.loanId)?.nonPerformingPrincipal ?? 0n;
      if (d.recovered <= npp) return undefined;
      return `data.recovered: ${fenToYuan(d.recovered)} is more than the standing non-performing principal ${fenToYuan(npp)}`;
    },
  },
  "innovation-center.accredited": { naturalKey: (d) => key(d.enterprise.uscc, d.level), replacing: false },
  "product.first-purchase.recorded": {
    naturalKey: (d) => d.productId,
    replacing: false,
    // §二(五)16: only a purchase on or before the product's filing expiry qualifies (`withinFiling`).
    derived: (d) => ({ withinFiling: d.purchasedOn <= d.productFiledUntil }),
  },
  "tech-contract.registered": { naturalKey: (d) => d.contractNo, replacing: false },
  "tech-contract.cancelled": withdrawal("tech-contract.registered", (d) => d.contractNo),
  "transfer-institution.accredited": { naturalKey: (d) => key(d.institution.id, d.level), replacing: false },

  // The payment lifecycle (payments.md § Publishers and new fact types). What a lifecycle fact acts on
  // — a batch, a line, an instruction, a receivable — it waits for in shared/decisions/lifecycle.
  "clock.day": { naturalKey: (d) => d.date, replacing: false },
  "batch.closed": { naturalKey: (d) => d.batchId, replacing: false },
  "batch.approved": { naturalKey: (d) => d.batchId, replacing: false },
  "budget.allocated": { naturalKey: (d) => d.allocationId, replacing: false },
  "hold.released": {
    naturalKey: (d) => d.objectionId,
    replacing: false,
    requires: (d) => [{ type: "objection.resolved", naturalKey: d.objectionId }],
  },
  "objection.filed": { naturalKey: (d) => d.objectionId, replacing: false },
  "objection.resolved": {
    naturalKey: (d) => d.objectionId,
    replacing: false,
    requires: (d) => [{ type: "objection.filed", naturalKey: d.objectionId }],
  },
  "credit.restricted": { naturalKey: (d) => key(d.list, d.uscc, d.from), replacing: false },
  "credit.cleared": {
    naturalKey: (d) => key(d.list, d.uscc, d.from),
    replacing: false,
    requires: (d) => [{ type: "credit.restricted", naturalKey: key(d.list, d.uscc, d.from) }],
  },
  "payee.confirmed": { naturalKey: (d) => key(d.beneficiary.kind, d.beneficiary.id), replacing: true },
  "payee.revoked": {
    naturalKey: (d) => key(d.beneficiary.kind, d.beneficiary.id, d.revokedOn),
    replacing: false,
  },
  "payee.declined": { naturalKey: (d) => d.lineId, replacing: false },
  "disbursement.paid": { naturalKey: (d) => d.instructionId, replacing: false },
  "disbursement.failed": { naturalKey: (d) => d.instructionId, replacing: false },
  "recovery.received": { naturalKey: (d) => d.reference, replacing: false },
};

/** The rules of a message's type, typed for its data. */
export function rulesOf(message: AnyMessage): TypeRules<FactType> {
  return TYPE_RULES[message.type] as unknown as TypeRules<FactType>;
}

/** The rules of a type, for data of that type known only as `unknown`. */
export function rulesFor(type: FactType): TypeRules<FactType> {
  return TYPE_RULES[type] as unknown as TypeRules<FactType>;
}
