import type { IsoDate } from "./calendar";
import type { CarrierKind, DistrictId, Level, PartyKind } from "./catalogue";
import type { Draft, DraftBook, DraftInput, EventType } from "./draft";

/** The `data` of each event type, as the contract spells it (money as yuan strings). */
export type EnterpriseRef = { uscc: string; name: string };
export type OrgRef = { id: string; name: string };
export type Money = string;

export type CertificationGranted = {
  certificateNo: string;
  enterprise: EnterpriseRef;
  kind: "first" | "renewal" | "relocated";
  scale: "above" | "below";
  district: DistrictId;
  incubator?: OrgRef;
  issuedOn: IsoDate;
};
export type CertificationRevoked = { certificateNo: string; revokedOn: IsoDate; reason: string };
export type TargetSet = { district: DistrictId; year: number; target: number };
export type CarrierAccredited = { carrier: OrgRef; level: Level; kind: CarrierKind; accreditedOn: IsoDate };
export type Rating = "excellent" | "good" | "pass" | "fail";
export type CarrierEvaluated = {
  carrier: OrgRef;
  level: Level;
  kind: CarrierKind;
  year: number;
  rating: Rating;
};
export type RdCategory = "tech-sme" | "hte" | "ic";
export type RdVerified = {
  enterprise: EnterpriseRef;
  fiscalYear: number;
  category: RdCategory;
  rdExpense: Money;
  superDeduction?: Money;
};
export type VoucherType = "rd-design" | "testing" | "consulting" | "tech-transfer" | "compute";
export type VoucherRedeemed = {
  voucherId: string;
  holder: { id: string; name: string; kind: "sme" | "team" };
  voucherType: VoucherType;
  eligibleSpend: Money;
  redeemedOn: IsoDate;
};
export type LoanFiled = {
  loanId: string;
  bank: OrgRef;
  borrower: EnterpriseRef;
  principal: Money;
  filedOn: IsoDate;
};
export type LoanDefaulted = { loanId: string; nonPerformingPrincipal: Money; confirmedOn: IsoDate };
export type LoanRecovered = { loanId: string; recovered: Money; recoveredOn: IsoDate };
export type CentreAccredited = {
  enterprise: EnterpriseRef;
  level: "national" | "provincial";
  accreditedOn: IsoDate;
};
export type FirstPurchase = {
  productId: string;
  productFiledUntil: IsoDate;
  developer: EnterpriseRef;
  buyer: EnterpriseRef;
  invoiceNo: string;
  invoiceAmount: Money;
  purchasedOn: IsoDate;
};
export type ContractCategory = "development" | "transfer" | "licensing" | "consulting" | "service";
export type ContractParty = { uscc: string; name: string; kind: "enterprise" | PartyKind; sme?: boolean };
export type ContractRegistered = {
  contractNo: string;
  category: ContractCategory;
  amount: Money;
  seller: ContractParty;
  buyer: ContractParty & { sme: boolean };
  intermediary?: OrgRef;
  inCityTransformation: boolean;
  registeredOn: IsoDate;
};
export type ContractCancelled = { contractNo: string; cancelledOn: IsoDate };
export type InstitutionAccredited = {
  institution: OrgRef;
  level: "national" | "provincial-demo";
  rating?: "excellent" | "good" | "pass";
  accreditedOn: IsoDate;
};

export interface EventData {
  "hte.certification.granted": CertificationGranted;
  "hte.certification.revoked": CertificationRevoked;
  "district.target.set": TargetSet;
  "carrier.accredited": CarrierAccredited;
  "carrier.evaluated": CarrierEvaluated;
  "rd.expense.verified": RdVerified;
  "voucher.redeemed": VoucherRedeemed;
  "loan.filed": LoanFiled;
  "loan.defaulted": LoanDefaulted;
  "loan.recovered": LoanRecovered;
  "innovation-center.accredited": CentreAccredited;
  "product.first-purchase.recorded": FirstPurchase;
  "tech-contract.registered": ContractRegistered;
  "tech-contract.cancelled": ContractCancelled;
  "transfer-institution.accredited": InstitutionAccredited;
}

/** A valid fact of type `T`, typed against the contract's data shape. */
export interface Fact<T extends EventType> extends Draft {
  readonly type: T;
  readonly data: EventData[T];
}

export function emit<T extends EventType>(
  book: DraftBook,
  type: T,
  data: EventData[T],
  rest: Omit<DraftInput, "type" | "data">,
): Fact<T> {
  return book.add({ ...rest, type, data }) as Fact<T>;
}
