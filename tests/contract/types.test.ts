import { describe, expect, expectTypeOf, test } from "vitest";
import { type AnyMessage, type DataOf, FACT_TYPES, type FactType, factDateOf } from "../../shared/contract";
import { ABSENT, accepted, expectRejected, fieldCases, raw, rawWith, USCC_A, VALID } from "./fixtures";

describe("a valid example of each type is accepted", () => {
  test.each(FACT_TYPES)("%s", (type) => {
    const m = accepted(raw(type));
    expect(m.type).toBe(type);
    expect(m.source).toBe("registry/hte-certification");
    expect(m.id).toBe("CERT-2024-370102-00017");
    expect(m.time).toBe("2024-11-20T01:30:00.000000000Z");
    expect(m.chinaDate).toBe("2024-11-20");
    expect(m.bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.dataHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("every type is covered by an example", () => {
    expect(Object.keys(VALID).sort()).toEqual([...FACT_TYPES].sort());
  });
});

describe("parsed data: money as bigint fen, everything else as on the wire", () => {
  test("loan.filed narrows and principal is fen", () => {
    const m: AnyMessage = accepted(raw("loan.filed"));
    if (m.type !== "loan.filed") throw new Error("expected loan.filed");
    expectTypeOf(m.data.principal).toEqualTypeOf<bigint>();
    expectTypeOf(m.data.filedOn).toEqualTypeOf<string>();
    expect(m.data).toEqual({ ...VALID["loan.filed"], principal: 500000000n });
  });

  test("every money field of every type is converted", () => {
    const money: { [K in FactType]?: Record<string, bigint> } = {
      "rd.expense.verified": { rdExpense: 800000000n, superDeduction: 800000000n },
      "voucher.redeemed": { eligibleSpend: 12000000n },
      "loan.defaulted": { nonPerformingPrincipal: 200000000n },
      "loan.recovered": { recovered: 50000000n },
      "product.first-purchase.recorded": { invoiceAmount: 650000000n },
      "tech-contract.registered": { amount: 200000000n },
    };
    for (const [type, fields] of Object.entries(money)) {
      expect(accepted(raw(type)).data, type).toEqual({ ...VALID[type as FactType], ...fields });
    }
  });

  test("types without money keep their data as sent", () => {
    for (const type of [
      "hte.certification.granted",
      "district.target.set",
      "transfer-institution.accredited",
    ] as const) {
      expect(accepted(raw(type)).data).toEqual(VALID[type]);
    }
  });

  test("DataOf gives the parsed shape of each type", () => {
    expectTypeOf<DataOf<"district.target.set">>().toEqualTypeOf<{
      district: string;
      year: number;
      target: number;
    }>();
    expectTypeOf<DataOf<"rd.expense.verified">["superDeduction"]>().toEqualTypeOf<bigint | undefined>();
    expectTypeOf<DataOf<"tech-contract.registered">["buyer"]["sme"]>().toEqualTypeOf<boolean>();
    expectTypeOf<DataOf<"tech-contract.registered">["seller"]["sme"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<DataOf<"voucher.redeemed">["holder"]["kind"]>().toEqualTypeOf<"sme" | "team">();
  });
});

describe("conditional requirements per type", () => {
  const ic = { ...VALID["rd.expense.verified"], category: "ic" };
  const demo = { ...VALID["transfer-institution.accredited"], level: "provincial-demo" };
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "rd: superDeduction is required for ic", type: "rd.expense.verified", base: ic, path: "superDeduction", value: ABSENT, detail: 'data.superDeduction: required when category is "ic"' },
    { rule: "rd: ic with superDeduction is accepted", type: "rd.expense.verified", base: ic, path: "superDeduction", value: "1.00" },
    { rule: "rd: superDeduction is optional for hte", type: "rd.expense.verified", path: "superDeduction", value: ABSENT },
    { rule: "rd: superDeduction must be > 0 when present", type: "rd.expense.verified", path: "superDeduction", value: "0", detail: "data.superDeduction: must be greater than 0" },
    { rule: "rd: category outside the list is rejected", type: "rd.expense.verified", path: "category", value: "sme", detail: 'data.category: must be one of "tech-sme", "hte", "ic"' },
    { rule: "transfer: rating is required for provincial-demo", type: "transfer-institution.accredited", base: demo, path: "rating", value: ABSENT, detail: 'data.rating: required when level is "provincial-demo"' },
    { rule: "transfer: provincial-demo with a rating is accepted", type: "transfer-institution.accredited", base: demo, path: "rating", value: "good" },
    { rule: "transfer: rating is optional for national", type: "transfer-institution.accredited", path: "rating", value: ABSENT },
    { rule: "transfer: rating fail is not a rating here", type: "transfer-institution.accredited", path: "rating", value: "fail", detail: 'data.rating: must be one of "excellent", "good", "pass"' },
    { rule: "tech-contract: buyer.sme is required", type: "tech-contract.registered", path: "buyer.sme", value: ABSENT, detail: "data.buyer.sme: required field is missing" },
    { rule: "tech-contract: buyer.sme must be a boolean", type: "tech-contract.registered", path: "buyer.sme", value: "true", detail: "data.buyer.sme: must be true or false (got string)" },
    { rule: "tech-contract: seller.sme is optional", type: "tech-contract.registered", path: "seller.sme", value: ABSENT },
    { rule: "tech-contract: seller.sme may be given", type: "tech-contract.registered", path: "seller.sme", value: false },
    { rule: "tech-contract: inCityTransformation is required", type: "tech-contract.registered", path: "inCityTransformation", value: ABSENT, detail: "data.inCityTransformation: required field is missing" },
    { rule: "tech-contract: inCityTransformation must be a boolean", type: "tech-contract.registered", path: "inCityTransformation", value: 1, detail: "data.inCityTransformation: must be true or false (got number)" },
    { rule: "tech-contract: intermediary is optional", type: "tech-contract.registered", path: "intermediary", value: ABSENT },
    { rule: "tech-contract: intermediary is an organisation", type: "tech-contract.registered", path: "intermediary.id", value: "sd tech", detail: "data.intermediary.id: must be 1–64 characters from" },
    { rule: "tech-contract: party kind outside the list", type: "tech-contract.registered", path: "seller.kind", value: "company", detail: 'data.seller.kind: must be one of "enterprise", "university", "institute"' },
    { rule: "tech-contract: a university party is accepted", type: "tech-contract.registered", path: "seller.kind", value: "university" },
    { rule: "voucher: an sme holder id must be a valid USCC", type: "voucher.redeemed", path: "holder.id", value: "qilu-makers", detail: "data.holder.id: must be 18 characters, got 11" },
    { rule: "voucher: an sme holder id with a bad check character", type: "voucher.redeemed", path: "holder.id", value: `${USCC_A.slice(0, 17)}${USCC_A.endsWith("0") ? "1" : "0"}`, detail: "data.holder.id: check character is" },
    { rule: "voucher: holder.kind outside the list", type: "voucher.redeemed", path: "holder.kind", value: "person", detail: 'data.holder.kind: must be one of "sme", "team"' },
    { rule: "voucher: holder.id must be an organisation id", type: "voucher.redeemed", path: "holder.id", value: "qilu makers", detail: "data.holder.id: must be 1–64 characters from" },
    { rule: "carrier: level outside the list", type: "carrier.accredited", path: "level", value: "county", detail: 'data.level: must be one of "national", "provincial", "municipal"' },
    { rule: "carrier: kind outside the list", type: "carrier.evaluated", path: "kind", value: "park", detail: 'data.kind: must be one of "incubator", "makerspace", "university-science-park"' },
    { rule: "carrier: rating fail is a rating", type: "carrier.evaluated", path: "rating", value: "fail" },
    { rule: "innovation-center: municipal is not a level", type: "innovation-center.accredited", path: "level", value: "municipal", detail: 'data.level: must be one of "national", "provincial"' },
    { rule: "hte: scale outside the list", type: "hte.certification.granted", path: "scale", value: "large", detail: 'data.scale: must be one of "above", "below"' },
    { rule: "product: a purchase after productFiledUntil is accepted (it pays nothing)", type: "product.first-purchase.recorded", path: "productFiledUntil", value: "2024-01-01" },
  ]);

  test("voucher: a team holder has an organisation id", () => {
    accepted(
      rawWith("voucher.redeemed", "holder", {
        id: "qilu-makers.team_01",
        name: "齐鲁创客团队",
        kind: "team",
      }),
    );
  });
});

describe("factDateOf: the date or year that dates each type", () => {
  const expected: { [K in FactType]: ReturnType<typeof factDateOf> } = {
    "hte.certification.granted": { kind: "date", date: "2024-11-20" },
    "hte.certification.revoked": { kind: "date", date: "2024-11-01" },
    "district.target.set": { kind: "year", year: 2024 },
    "carrier.accredited": { kind: "date", date: "2024-06-01" },
    "carrier.evaluated": { kind: "year", year: 2024 },
    "rd.expense.verified": { kind: "year", year: 2024 },
    "voucher.redeemed": { kind: "date", date: "2024-05-10" },
    "loan.filed": { kind: "date", date: "2024-02-01" },
    "loan.defaulted": { kind: "date", date: "2024-10-15" },
    "loan.recovered": { kind: "date", date: "2024-11-01" },
    "innovation-center.accredited": { kind: "date", date: "2024-09-01" },
    "product.first-purchase.recorded": { kind: "date", date: "2024-08-08" },
    "tech-contract.registered": { kind: "date", date: "2024-04-02" },
    "tech-contract.cancelled": { kind: "date", date: "2024-11-01" },
    "transfer-institution.accredited": { kind: "date", date: "2024-10-10" },
    "clock.day": { kind: "date", date: "2024-11-20" },
    "batch.closed": undefined, // staff acts are dated by the ledger's clock
    "batch.approved": undefined,
    "budget.allocated": undefined,
    "hold.released": undefined,
    "objection.filed": { kind: "date", date: "2024-11-19" },
    "objection.resolved": { kind: "date", date: "2024-11-20" },
    "credit.restricted": { kind: "date", date: "2024-11-01" },
    "credit.cleared": { kind: "date", date: "2024-11-20" },
    "payee.confirmed": { kind: "date", date: "2024-11-20" },
    "payee.revoked": { kind: "date", date: "2024-11-20" },
    "payee.declined": { kind: "date", date: "2024-11-20" },
    "disbursement.paid": { kind: "date", date: "2024-11-20" },
    "disbursement.failed": { kind: "date", date: "2024-11-20" },
    "recovery.received": { kind: "date", date: "2024-11-20" },
  };
  test.each(FACT_TYPES)("%s", (type) => {
    expect(factDateOf(accepted(raw(type)))).toEqual(expected[type]);
  });
});

describe("budget.allocated: a funder only where the period is budgeted by funder (payments.md § Budget)", () => {
  test("absent, as before; present, a funder id", () => {
    const without = accepted(raw("budget.allocated"));
    expect(without.type === "budget.allocated" && without.data.funder).toBeUndefined();
    const named = accepted(rawWith("budget.allocated", "funder", "district"));
    expect(named.type === "budget.allocated" && named.data.funder).toBe("district");
  });

  test("a funder that is not a funder id is refused, naming the field", () => {
    expectRejected(
      rawWith("budget.allocated", "funder", "区县"),
      "invalid-data",
      "data.funder: must be a funder id",
    );
  });
});
