import { FACT_DATE_FIELDS, type FactType, type WireDataOf } from "../shared/contract";
import { yearOf } from "./calendar";
import type { Draft, DraftBook, DraftInput } from "./draft";

/** The `data` of each fact type as the contract reads it from a registry (money as yuan strings). */
export type EventData = { [K in FactType]: WireDataOf<K> };

export type CertificationGranted = EventData["hte.certification.granted"];
export type CarrierEvaluated = EventData["carrier.evaluated"];
export type RdVerified = EventData["rd.expense.verified"];
export type VoucherRedeemed = EventData["voucher.redeemed"];
export type CentreAccredited = EventData["innovation-center.accredited"];
export type FirstPurchase = EventData["product.first-purchase.recorded"];
export type ContractRegistered = EventData["tech-contract.registered"];
export type InstitutionAccredited = EventData["transfer-institution.accredited"];

export type Rating = CarrierEvaluated["rating"];
export type RdCategory = RdVerified["category"];
export type VoucherType = VoucherRedeemed["voucherType"];
export type ContractCategory = ContractRegistered["category"];
/** A contract's seller; its buyer must say whether it is an SME. */
export type ContractParty = ContractRegistered["seller"];

/** A valid fact of type `T`, typed against the contract's data shape. */
export interface Fact<T extends FactType> extends Draft {
  readonly type: T;
  readonly data: EventData[T];
}

/** The year of a fact's date, from the field the contract dates its type by. */
function factYearOf<T extends FactType>(type: T, data: EventData[T]): number {
  const dated = FACT_DATE_FIELDS[type];
  const record = data as Record<string, unknown>;
  // Undated facts (clock.day, staff decisions) belong to the year of the day they name, if any.
  if (dated.kind === "none") return yearOf(String(record.date ?? record.scheduledTime ?? ""));
  const value = record[dated.field];
  return dated.kind === "year" ? Number(value) : yearOf(String(value));
}

export function emit<T extends FactType>(
  book: DraftBook,
  type: T,
  data: EventData[T],
  rest: Omit<DraftInput, "type" | "data" | "factYear">,
): Fact<T> {
  return book.add({ ...rest, type, data, factYear: factYearOf(type, data) }) as Fact<T>;
}
