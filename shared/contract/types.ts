import type { z } from "zod";
import type { FactType } from "./fact-types";
import { buildLifecycleSchemas, LIFECYCLE_DATE_FIELDS } from "./lifecycle";
import { ORGANISATION_ID_PATTERN, organisationIdCaseProblem } from "./strings";
import {
  amount,
  amountOrZero,
  date,
  district,
  enterprise,
  flag,
  hinted,
  holderId,
  identifier,
  ifThen,
  name,
  oneOf,
  organisation,
  reason,
  strict,
  target,
  USCC_JSON_PATTERN,
  usccDetail,
  year,
} from "./values";

const DATA = "a JSON object";
const carrierLevel = oneOf(["national", "provincial", "municipal"]);
const carrierKind = oneOf(["incubator", "makerspace", "university-science-park"]);
const partyKind = oneOf(["enterprise", "university", "institute"]);

/** `field` is required when `when` has the value `equals`: a rule one JSON Schema `if`/`then` states too. */
function requiredWhen<T extends z.ZodType<Record<string, unknown>>>(
  schema: T,
  field: string,
  when: string,
  equals: string,
) {
  const refined = schema.superRefine((data, ctx) => {
    if (data[when] === equals && data[field] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `required when ${when} is ${JSON.stringify(equals)}`,
      });
    }
  });
  return hinted(
    refined,
    ifThen({ properties: { [when]: { const: equals } }, required: [when] }, { required: [field] }),
  );
}

/** An SME holder is an enterprise (id = its USCC, upper case); a team has an organisation id (lower case). */
const holder = hinted(
  strict({ id: holderId, name, kind: oneOf(["sme", "team"]) }).superRefine((h, ctx) => {
    const problem =
      h.kind === "sme"
        ? mapDefined(usccDetail(h.id), (p) => `${p} (an sme holder's id is its USCC)`)
        : organisationIdCaseProblem(h.id);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["id"], message: problem });
  }),
  {
    allOf: [
      ifThen(
        { properties: { kind: { const: "sme" } }, required: ["kind"] },
        { properties: { id: { pattern: USCC_JSON_PATTERN } } },
      ),
      ifThen(
        { properties: { kind: { const: "team" } }, required: ["kind"] },
        { properties: { id: { pattern: ORGANISATION_ID_PATTERN.source } } },
      ),
    ],
  },
);

function mapDefined(value: string | undefined, f: (v: string) => string): string | undefined {
  return value === undefined ? undefined : f(value);
}

const seller = strict({ uscc: enterprise.shape.uscc, name, kind: partyKind, sme: flag.optional() });
const buyer = strict({ uscc: enterprise.shape.uscc, name, kind: partyKind, sme: flag });

/**
 * The data schema of each type; districts are the receiving city's. Longer than a screen on purpose: it
 * is a table, one entry per fact type in events.md's order, so each type's fields are found in one place.
 */
export function buildDataSchemas(districtIds: readonly string[]) {
  const districtId = district(districtIds);
  return {
    "hte.certification.granted": strict(
      {
        certificateNo: identifier(32),
        enterprise,
        kind: oneOf(["first", "renewal", "relocated"]),
        scale: oneOf(["above", "below"]),
        district: districtId,
        incubator: organisation.optional(),
        issuedOn: date,
      },
      DATA,
    ),
    "hte.certification.revoked": strict({ certificateNo: identifier(32), revokedOn: date, reason }, DATA),
    "district.target.set": strict({ district: districtId, year, target }, DATA),
    "carrier.accredited": strict(
      { carrier: organisation, level: carrierLevel, kind: carrierKind, accreditedOn: date },
      DATA,
    ),
    "carrier.evaluated": strict(
      {
        carrier: organisation,
        level: carrierLevel,
        kind: carrierKind,
        year,
        rating: oneOf(["excellent", "good", "pass", "fail"]),
      },
      DATA,
    ),
    "rd.expense.verified": requiredWhen(
      strict(
        {
          enterprise,
          fiscalYear: year,
          category: oneOf(["tech-sme", "hte", "ic"]),
          rdExpense: amount,
          superDeduction: amount.optional(),
        },
        DATA,
      ),
      "superDeduction",
      "category",
      "ic",
    ),
    "voucher.redeemed": strict(
      {
        voucherId: identifier(64),
        holder,
        voucherType: oneOf(["rd-design", "testing", "consulting", "tech-transfer", "compute"]),
        eligibleSpend: amount,
        redeemedOn: date,
      },
      DATA,
    ),
    "loan.filed": strict(
      { loanId: identifier(64), bank: organisation, borrower: enterprise, principal: amount, filedOn: date },
      DATA,
    ),
    "loan.defaulted": strict(
      { loanId: identifier(64), nonPerformingPrincipal: amountOrZero, confirmedOn: date },
      DATA,
    ),
    "loan.recovered": strict({ loanId: identifier(64), recovered: amountOrZero, recoveredOn: date }, DATA),
    "innovation-center.accredited": strict(
      { enterprise, level: oneOf(["national", "provincial"]), accreditedOn: date },
      DATA,
    ),
    "product.first-purchase.recorded": strict(
      {
        productId: identifier(64),
        productFiledUntil: date,
        developer: enterprise,
        buyer: enterprise,
        invoiceNo: identifier(64),
        invoiceAmount: amount,
        purchasedOn: date,
      },
      DATA,
    ),
    "tech-contract.registered": strict(
      {
        contractNo: identifier(64),
        category: oneOf(["development", "transfer", "licensing", "consulting", "service"]),
        amount,
        seller,
        buyer,
        intermediary: organisation.optional(),
        inCityTransformation: flag,
        registeredOn: date,
      },
      DATA,
    ),
    "tech-contract.cancelled": strict({ contractNo: identifier(64), cancelledOn: date }, DATA),
    ...buildLifecycleSchemas(),
    "transfer-institution.accredited": requiredWhen(
      strict(
        {
          institution: organisation,
          level: oneOf(["national", "provincial-demo"]),
          rating: oneOf(["excellent", "good", "pass"]).optional(),
          accreditedOn: date,
        },
        DATA,
      ),
      "rating",
      "level",
      "provincial-demo",
    ),
  } satisfies { [K in FactType]: z.ZodType };
}

export type DataSchemas = ReturnType<typeof buildDataSchemas>;

/** A type's parsed data: money fields are bigint fen, everything else as on the wire. */
export type DataOf<T extends FactType> = z.output<DataSchemas[T]>;

/** A type's data as a registry sends it: money as yuan strings (the sample generator writes these). */
export type WireDataOf<T extends FactType> = z.input<DataSchemas[T]>;

// One set of schemas per district list: a stack parses many messages for one city.
const cache = new Map<string, DataSchemas>();

/** The data schemas for a city's districts (for parsing and JSON Schema export). */
export function dataSchemas(districtIds: readonly string[]): DataSchemas {
  const key = JSON.stringify([...districtIds].sort());
  let schemas = cache.get(key);
  if (!schemas) {
    schemas = buildDataSchemas(districtIds);
    cache.set(key, schemas);
  }
  return schemas;
}

/** Each type's fact date: the field that dates it, a date or a year. */
export const FACT_DATE_FIELDS = {
  "hte.certification.granted": { kind: "date", field: "issuedOn" },
  "hte.certification.revoked": { kind: "date", field: "revokedOn" },
  "district.target.set": { kind: "year", field: "year" },
  "carrier.accredited": { kind: "date", field: "accreditedOn" },
  "carrier.evaluated": { kind: "year", field: "year" },
  "rd.expense.verified": { kind: "year", field: "fiscalYear" },
  "voucher.redeemed": { kind: "date", field: "redeemedOn" },
  "loan.filed": { kind: "date", field: "filedOn" },
  "loan.defaulted": { kind: "date", field: "confirmedOn" },
  "loan.recovered": { kind: "date", field: "recoveredOn" },
  "innovation-center.accredited": { kind: "date", field: "accreditedOn" },
  "product.first-purchase.recorded": { kind: "date", field: "purchasedOn" },
  "tech-contract.registered": { kind: "date", field: "registeredOn" },
  "tech-contract.cancelled": { kind: "date", field: "cancelledOn" },
  "transfer-institution.accredited": { kind: "date", field: "accreditedOn" },
  ...LIFECYCLE_DATE_FIELDS,
} as const satisfies {
  [K in FactType]: { kind: "date" | "year"; field: keyof DataOf<K> & string } | { kind: "none" };
};
