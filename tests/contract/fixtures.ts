import { expect, test } from "vitest";
import {
  type ContractContext,
  type Delivery,
  FACT_TYPES,
  type FactType,
  type ParseResult,
  type Publisher,
  parseMessage,
  type Rejection,
  type RejectionReason,
} from "../../shared/contract";
import { usccCheckCharacter } from "../../shared/contract/uscc";

/** A valid USCC from its first 17 characters. */
export function uscc(first17: string): string {
  const check = usccCheckCharacter(first17);
  if (check === undefined) throw new Error(`bad USCC prefix ${first17}`);
  return first17 + check;
}

export const USCC_A = uscc("91370102MA3C12345");
export const USCC_B = uscc("91370100MA94ABCDE");

export const CONTEXT: ContractContext = {
  city: "jinan",
  districtIds: new Set(["370102", "370103", "jinan-hitech-zone"]),
};

/** China date 2024-11-20; every fixture's fact date is on or before it. */
export const TIME = "2024-11-20T09:30:00+08:00";

const enterpriseA = { uscc: USCC_A, name: "济南星河科技有限公司" };
const enterpriseB = { uscc: USCC_B, name: "山东泉城智能装备有限公司" };
const carrier = { id: "qilu-software-incubator", name: "齐鲁软件园孵化器" };
const preparer = { id: "wangmin", name: "王敏", roles: ["preparer"] };
const approver = { id: "zhangqiang", name: "张强", roles: ["approver"] };

/** One valid `data` per type, shaped like the contract's examples. */
export const VALID: { [K in FactType]: Record<string, unknown> } = {
  "hte.certification.granted": {
    certificateNo: "GR202437000123",
    enterprise: enterpriseA,
    kind: "first",
    scale: "above",
    district: "370102",
    incubator: carrier,
    issuedOn: "2024-11-20",
  },
  "hte.certification.revoked": {
    certificateNo: "GR202437000123",
    revokedOn: "2024-11-01",
    reason: "材料不实",
  },
  "district.target.set": { district: "370102", year: 2024, target: 40 },
  "carrier.accredited": { carrier, level: "national", kind: "incubator", accreditedOn: "2024-06-01" },
  "carrier.evaluated": { carrier, level: "municipal", kind: "incubator", year: 2024, rating: "excellent" },
  "rd.expense.verified": {
    enterprise: enterpriseA,
    fiscalYear: 2024,
    category: "hte",
    rdExpense: "8000000",
    superDeduction: "8000000",
  },
  "voucher.redeemed": {
    voucherId: "V2024-000981",
    holder: { id: USCC_A, name: "济南星河科技有限公司", kind: "sme" },
    voucherType: "testing",
    eligibleSpend: "120000",
    redeemedOn: "2024-05-10",
  },
  "loan.filed": {
    loanId: "JNB-2024-0042",
    bank: { id: "qilu-bank", name: "齐鲁银行" },
    borrower: enterpriseA,
    principal: "5000000",
    filedOn: "2024-02-01",
  },
  "loan.defaulted": { loanId: "JNB-2024-0042", nonPerformingPrincipal: "2000000", confirmedOn: "2024-10-15" },
  "loan.recovered": { loanId: "JNB-2024-0042", recovered: "500000", recoveredOn: "2024-11-01" },
  "innovation-center.accredited": { enterprise: enterpriseA, level: "national", accreditedOn: "2024-09-01" },
  "product.first-purchase.recorded": {
    productId: "P-2024-007",
    productFiledUntil: "2026-06-30",
    developer: enterpriseA,
    buyer: enterpriseB,
    invoiceNo: "044002400111-00012345",
    invoiceAmount: "6500000",
    purchasedOn: "2024-08-08",
  },
  "tech-contract.registered": {
    contractNo: "2024370100000123",
    category: "development",
    amount: "2000000",
    seller: { uscc: USCC_A, name: "济南星河科技有限公司", kind: "enterprise" },
    buyer: { uscc: USCC_B, name: "山东泉城智能装备有限公司", kind: "enterprise", sme: true },
    intermediary: { id: "sd-tech-transfer", name: "山东技术转移中心" },
    inCityTransformation: true,
    registeredOn: "2024-04-02",
  },
  "tech-contract.cancelled": { contractNo: "2024370100000123", cancelledOn: "2024-11-01" },
  "transfer-institution.accredited": {
    institution: { id: "sd-tech-transfer", name: "山东技术转移中心" },
    level: "national",
    rating: "excellent",
    accreditedOn: "2024-10-10",
  },
  // The payment lifecycle (payments.md).
  "clock.day": { scheduledTime: "2024-11-19T16:00:00Z" },
  "batch.closed": { batchId: "hte-first-award-2024-1", actor: preparer },
  "batch.approved": { batchId: "hte-first-award-2024-1", actor: approver },
  "budget.allocated": {
    allocationId: "ALLOC-2024-001",
    policyVersion: "jinan-2023",
    program: "hte-first-award",
    period: 2024,
    amount: "1000000",
    actor: approver,
  },
  "hold.released": { objectionId: "OBJ-2024-0001", actor: approver },
  "objection.filed": {
    objectionId: "OBJ-2024-0001",
    lineId: "hte-first-award.2024.20241101.5f0c2a9e",
    objector: { name: "李明" },
    filedOn: "2024-11-19",
    grounds: "该企业未在本区实际经营",
  },
  "objection.resolved": {
    objectionId: "OBJ-2024-0001",
    outcome: "dismissed",
    resolvedOn: "2024-11-20",
    note: "经核查，该企业在本区实际经营",
  },
  "credit.restricted": { list: "dishonest-debtor", uscc: USCC_A, from: "2024-11-01", reason: "失信被执行人" },
  "credit.cleared": { list: "dishonest-debtor", uscc: USCC_A, from: "2024-11-01", clearedOn: "2024-11-20" },
  "payee.confirmed": {
    beneficiary: { kind: "enterprise", id: USCC_A },
    accountRef: "ACCT-7F3A",
    confirmedOn: "2024-11-20",
  },
  "payee.revoked": { beneficiary: { kind: "enterprise", id: USCC_A }, revokedOn: "2024-11-20" },
  "payee.declined": { lineId: "hte-first-award.2024.20241101.5f0c2a9e", declinedOn: "2024-11-20" },
  "disbursement.paid": {
    instructionId: "hte-first-award.2024.20241101.5f0c2a9e.1",
    reference: "TSY-1120-0031",
    paidOn: "2024-11-20",
    amount: "300000",
  },
  "disbursement.failed": {
    instructionId: "hte-first-award.2024.20241101.5f0c2a9e.1",
    failedOn: "2024-11-20",
    reason: "账户已销户",
  },
  "recovery.received": {
    beneficiary: { kind: "enterprise", id: USCC_A },
    program: "hte-first-award",
    period: 2024,
    amount: "300000",
    receivedOn: "2024-11-20",
    reference: "TSY-REC-1120-0007",
  },
};

/** Marks a field to delete rather than set. */
export const ABSENT = Symbol("absent");

/** A deep copy of `value` with the field at a dotted path set (or deleted, for ABSENT). */
export function withField(
  value: Record<string, unknown>,
  path: string,
  field: unknown,
): Record<string, unknown> {
  const copy = structuredClone(value);
  const keys = path.split(".");
  const last = keys.pop() ?? "";
  let target: Record<string, unknown> = copy;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (field === ABSENT) delete target[last];
  else target[last] = field;
  return copy;
}

/** A message envelope as an object; `envelope` fields override or (ABSENT) remove the defaults. */
export function envelopeOf(
  type: string,
  data: unknown = VALID[type as FactType],
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  let message: Record<string, unknown> = {
    specversion: "1.0",
    id: "CERT-2024-370102-00017",
    source: "registry/hte-certification",
    type,
    time: TIME,
    city: "jinan",
    datacontenttype: "application/json",
    data,
  };
  for (const [key, value] of Object.entries(envelope)) message = withField(message, key, value);
  return message;
}

export function raw(type: string, data?: unknown, envelope?: Record<string, unknown>): string {
  return JSON.stringify(envelopeOf(type, data, envelope));
}

/** Data of `type` with one field changed, as a raw message. */
export function rawWith(
  type: FactType,
  path: string,
  value: unknown,
  envelope?: Record<string, unknown>,
): string {
  return raw(type, withField(VALID[type], path, value), envelope);
}

/**
 * The contract's other rules, judged apart from authority: sent by a publisher that owns whatever source
 * the message claims and may assert every type, accepted by SQS at the last instant there is. Authority
 * and future-time have their own tests (authority.test.ts), with the city's real publishers.
 */
export function parse(text: string, context: ContractContext = CONTEXT): ParseResult {
  return parseMessage(text, context, anySender());
}

/** The last instant the contract can name (its China date is 9999-12-31). */
export const LAST_INSTANT = "9999-12-31T15:59:59.999999999Z";

export function anySender(): Delivery {
  const senderFor = (source: string): Publisher => ({
    id: "fixture",
    channel: "registry",
    source,
    types: new Set(FACT_TYPES),
  });
  return { senderFor, receivedAt: LAST_INSTANT };
}

export function accepted(text: string, context?: ContractContext) {
  const result = parse(text, context);
  if (!result.ok)
    throw new Error(`expected acceptance, got ${result.rejection.reason}: ${result.rejection.detail}`);
  return result.message;
}

export function rejected(text: string, context?: ContractContext): Rejection {
  const result = parse(text, context);
  if (result.ok) throw new Error(`expected a rejection, got acceptance of ${result.message.type}`);
  return result.rejection;
}

/** Asserts the reason and that the detail starts with `detail` (path, colon, and what is wrong). */
export function expectRejected(
  text: string,
  reason: RejectionReason,
  detail: string,
  context?: ContractContext,
) {
  const rejection = rejected(text, context);
  expect({ reason: rejection.reason, detail: rejection.detail }).toEqual({
    reason,
    detail: expect.stringMatching(new RegExp(`^${escapeRegExp(detail)}`)),
  });
  return rejection;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One row of a field's rules: `value` set at `path` of `base` (default the valid example of `type`). */
export interface FieldCase {
  rule: string;
  type: FactType;
  base?: Record<string, unknown>;
  path: string;
  value: unknown;
  /** Expected detail prefix; omitted → accepted. */
  detail?: string;
  reason?: RejectionReason;
}

/** A test per row: accepted, or rejected (for `invalid-data` unless the row says) with its detail. */
export function fieldCases(cases: FieldCase[]) {
  test.each(cases)("$rule", ({ type, base, path, value, detail, reason }) => {
    const text = raw(type, withField(base ?? VALID[type], path, value));
    if (detail === undefined) accepted(text);
    else expectRejected(text, reason ?? "invalid-data", detail);
  });
}
