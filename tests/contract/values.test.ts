import { describe, expect, test } from "vitest";
import {
  ABSENT,
  accepted,
  expectRejected,
  type FieldCase,
  fieldCases,
  raw,
  rawWith,
  USCC_A,
  uscc,
  VALID,
  withField,
} from "./fixtures";

const YUAN = 'data.principal: must be a yuan decimal string like "1234.50"';

describe("money: a yuan decimal string, > 0 unless the field allows 0", () => {
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "a number is rejected", type: "loan.filed", path: "principal", value: 5000000, detail: `${YUAN} (got number)` },
    { rule: "a negative sign is rejected", type: "loan.filed", path: "principal", value: "-100", detail: `${YUAN} without a sign` },
    { rule: "a plus sign is rejected", type: "loan.filed", path: "principal", value: "+100", detail: `${YUAN} without a sign` },
    { rule: "an exponent is rejected", type: "loan.filed", path: "principal", value: "1e6", detail: `${YUAN} without an exponent` },
    { rule: "a leading space is rejected", type: "loan.filed", path: "principal", value: " 100", detail: `${YUAN} without spaces` },
    { rule: "a trailing space is rejected", type: "loan.filed", path: "principal", value: "100 ", detail: `${YUAN} without spaces` },
    { rule: "leading zeros are rejected", type: "loan.filed", path: "principal", value: "0100", detail: `${YUAN} without leading zeros` },
    { rule: "3 decimals are rejected", type: "loan.filed", path: "principal", value: "1.234", detail: `${YUAN} with at most 2 decimal places` },
    { rule: "13 integer digits are rejected", type: "loan.filed", path: "principal", value: "1000000000000", detail: `${YUAN} of at most 999999999999.99` },
    { rule: "a trailing dot is rejected", type: "loan.filed", path: "principal", value: "100.", detail: `${YUAN} (got "100.")` },
    { rule: "an empty string is rejected", type: "loan.filed", path: "principal", value: "", detail: `${YUAN} (got "")` },
    { rule: "a comma separator is rejected", type: "loan.filed", path: "principal", value: "1,000", detail: YUAN },
    { rule: '"0" is rejected where not allowed', type: "loan.filed", path: "principal", value: "0", detail: 'data.principal: must be greater than 0 (got "0")' },
    { rule: '"0.00" is rejected where not allowed', type: "loan.filed", path: "principal", value: "0.00", detail: "data.principal: must be greater than 0" },
    { rule: '"0" is rejected in voucher eligibleSpend', type: "voucher.redeemed", path: "eligibleSpend", value: "0", detail: "data.eligibleSpend: must be greater than 0" },
    { rule: '"0" is allowed for nonPerformingPrincipal', type: "loan.defaulted", path: "nonPerformingPrincipal", value: "0" },
    { rule: '"0" is allowed for recovered', type: "loan.recovered", path: "recovered", value: "0" },
    { rule: "a number is rejected even where 0 is allowed", type: "loan.recovered", path: "recovered", value: 0, detail: 'data.recovered: must be a yuan decimal string like "1234.50" (got number)' },
    { rule: '"0.01" is the smallest amount', type: "loan.filed", path: "principal", value: "0.01" },
    { rule: "999999999999.99 is the largest amount", type: "loan.filed", path: "principal", value: "999999999999.99" },
    { rule: "one decimal is allowed", type: "loan.filed", path: "principal", value: "1234.5" },
  ]);

  test('"1000" and "1000.00" are the same fen, bigint', () => {
    const a = accepted(rawWith("loan.filed", "principal", "1000"));
    const b = accepted(rawWith("loan.filed", "principal", "1000.00"));
    if (a.type !== "loan.filed" || b.type !== "loan.filed") throw new Error("narrowing");
    expect(a.data.principal).toBe(100000n);
    expect(b.data.principal).toBe(100000n);
    expect(a.dataHash).toBe(b.dataHash);
  });

  test("the largest amount is exact in fen", () => {
    const m = accepted(rawWith("loan.filed", "principal", "999999999999.99"));
    if (m.type !== "loan.filed") throw new Error("narrowing");
    expect(m.data.principal).toBe(99999999999999n);
  });
});

describe("USCC: 18 upper-case characters, alphabet, digits 3–8, check character", () => {
  const at = (value: unknown): FieldCase => ({ rule: "", type: "loan.filed", path: "borrower.uscc", value });
  const body = USCC_A.slice(0, 17);
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { ...at(USCC_A), rule: "a valid USCC is accepted" },
    { ...at(uscc("91370102MA3C1234Y")), rule: "a valid USCC ending in a letter is accepted" },
    { ...at(USCC_A.slice(0, 17)), rule: "17 characters are rejected", detail: "data.borrower.uscc: must be 18 characters, got 17" },
    { ...at(`${USCC_A}0`), rule: "19 characters are rejected", detail: "data.borrower.uscc: must be 18 characters, got 19" },
    { ...at(USCC_A.toLowerCase()), rule: "lower case is rejected", detail: "data.borrower.uscc: must be upper case; position 9 is 'm'" },
    { ...at(`${body.slice(0, 9)}I${body.slice(10)}0`), rule: "I is not in the alphabet", detail: "data.borrower.uscc: position 10 'I' is not in the USCC alphabet" },
    { ...at(`O${body.slice(1)}0`), rule: "O is not in the alphabet", detail: "data.borrower.uscc: position 1 'O' is not in the USCC alphabet" },
    { ...at(`${body.slice(0, 9)}S${body.slice(10)}0`), rule: "S is not in the alphabet", detail: "data.borrower.uscc: position 10 'S'" },
    { ...at(`${body.slice(0, 9)}V${body.slice(10)}0`), rule: "V is not in the alphabet", detail: "data.borrower.uscc: position 10 'V'" },
    { ...at(`${body.slice(0, 9)}Z${body.slice(10)}0`), rule: "Z is not in the alphabet", detail: "data.borrower.uscc: position 10 'Z'" },
    { ...at(`91A70102MA3C123450`), rule: "a letter in positions 3–8 is rejected", detail: "data.borrower.uscc: position 3 must be a digit (division code), got 'A'" },
    { ...at(`${body}${USCC_A.endsWith("0") ? "1" : "0"}`), rule: "a wrong check character is rejected", detail: "data.borrower.uscc: check character is" },
    { ...at(91370102), rule: "a number is rejected", detail: "data.borrower.uscc: must be a USCC (got number)" },
  ]);

  test("the wrong check character detail names the expected one", () => {
    const wrong = USCC_A.endsWith("0") ? "1" : "0";
    expectRejected(
      rawWith("loan.filed", "borrower.uscc", `${body}${wrong}`),
      "invalid-data",
      `data.borrower.uscc: check character is '${wrong}', expected '${USCC_A.slice(17)}'`,
    );
  });
});

describe("dates: YYYY-MM-DD, a real calendar date", () => {
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "2024-02-29 (leap year) is accepted", type: "loan.filed", path: "filedOn", value: "2024-02-29" },
    { rule: "2023-02-29 is rejected", type: "loan.filed", path: "filedOn", value: "2023-02-29", detail: "data.filedOn: 2023-02-29 is not a real calendar date" },
    { rule: "2024-13-01 is rejected", type: "loan.filed", path: "filedOn", value: "2024-13-01", detail: "data.filedOn: 2024-13-01 is not a real calendar date" },
    { rule: "2024-04-31 is rejected", type: "loan.filed", path: "filedOn", value: "2024-04-31", detail: "data.filedOn: 2024-04-31 is not a real calendar date" },
    { rule: "2024-00-10 is rejected", type: "loan.filed", path: "filedOn", value: "2024-00-10", detail: "data.filedOn: 2024-00-10 is not a real calendar date" },
    { rule: "1900-02-29 (not a leap year) is rejected", type: "loan.filed", path: "filedOn", value: "1900-02-29", detail: "data.filedOn: 1900-02-29 is not a real calendar date" },
    { rule: "2000-02-29 (a leap year) is accepted", type: "loan.filed", path: "filedOn", value: "2000-02-29" },
    { rule: "a one-digit month is rejected", type: "loan.filed", path: "filedOn", value: "2024-2-01", detail: 'data.filedOn: must be a date YYYY-MM-DD (got "2024-2-01")' },
    { rule: "a date-time is rejected", type: "loan.filed", path: "filedOn", value: "2024-02-01T00:00:00Z", detail: "data.filedOn: must be a date YYYY-MM-DD" },
    { rule: "a number is rejected", type: "loan.filed", path: "filedOn", value: 20240201, detail: "data.filedOn: must be a date YYYY-MM-DD (got number)" },
    { rule: "productFiledUntil is a date too", type: "product.first-purchase.recorded", path: "productFiledUntil", value: "2026-02-30", detail: "data.productFiledUntil: 2026-02-30 is not a real calendar date" },
  ]);
});

describe("years: an integer 2000–2100; target: an integer 0–100000", () => {
  const YEAR = "data.fiscalYear: must be an integer year from 2000 to 2100";
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "year 2000 is accepted", type: "rd.expense.verified", path: "fiscalYear", value: 2000 },
    { rule: "year 1999 is rejected", type: "rd.expense.verified", path: "fiscalYear", value: 1999, detail: `${YEAR} (got 1999)` },
    { rule: "year 2101 is rejected", type: "rd.expense.verified", path: "fiscalYear", value: 2101, detail: `${YEAR} (got 2101)` },
    { rule: 'year "2024" (a string) is rejected', type: "rd.expense.verified", path: "fiscalYear", value: "2024", detail: `${YEAR} (got string)` },
    { rule: "year 2024.5 is rejected", type: "rd.expense.verified", path: "fiscalYear", value: 2024.5, detail: `${YEAR} (got 2024.5)` },
    { rule: "target 0 is accepted", type: "district.target.set", path: "target", value: 0 },
    { rule: "target 100000 is accepted", type: "district.target.set", path: "target", value: 100000 },
    { rule: "target -1 is rejected", type: "district.target.set", path: "target", value: -1, detail: "data.target: must be an integer from 0 to 100000 (got -1)" },
    { rule: "target 100001 is rejected", type: "district.target.set", path: "target", value: 100001, detail: "data.target: must be an integer from 0 to 100000 (got 100001)" },
    { rule: "target 40.5 is rejected", type: "district.target.set", path: "target", value: 40.5, detail: "data.target: must be an integer from 0 to 100000 (got 40.5)" },
    { rule: 'target "40" is rejected', type: "district.target.set", path: "target", value: "40", detail: "data.target: must be an integer from 0 to 100000 (got string)" },
  ]);

  test("year 2100 is accepted (when time makes it no future date)", () => {
    accepted(rawWith("rd.expense.verified", "fiscalYear", 2100, { time: "2099-06-01T00:00:00Z" }));
  });

  test("2024.0 on the wire is the integer 2024", () => {
    const text = raw("district.target.set").replace('"year":2024', '"year":2024.0');
    expect(text).toContain('"year":2024.0');
    const m = accepted(text);
    expect(m.data).toMatchObject({ year: 2024 });
  });
});

describe("names: 1–200 code points, not only whitespace; reason: 1–500 code points", () => {
  const NAME = "data.borrower.name";
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "an empty name is rejected", type: "loan.filed", path: "borrower.name", value: "", detail: `${NAME}: must not be empty` },
    { rule: "a spaces-only name is rejected", type: "loan.filed", path: "borrower.name", value: "   ", detail: `${NAME}: must not be only whitespace` },
    { rule: "an ideographic-space-only name is rejected", type: "loan.filed", path: "borrower.name", value: "\u3000\u3000", detail: `${NAME}: must not be only whitespace` },
    { rule: "200 CJK characters are accepted", type: "loan.filed", path: "borrower.name", value: "济".repeat(200) },
    { rule: "201 CJK characters are rejected", type: "loan.filed", path: "borrower.name", value: "济".repeat(201), detail: `${NAME}: must be at most 200 characters (got 201)` },
    { rule: "200 emoji (400 UTF-16 units) are accepted", type: "loan.filed", path: "borrower.name", value: "🚀".repeat(200) },
    { rule: "201 emoji are rejected", type: "loan.filed", path: "borrower.name", value: "🚀".repeat(201), detail: `${NAME}: must be at most 200 characters (got 201)` },
    { rule: "an unpaired surrogate is rejected", type: "loan.filed", path: "borrower.name", value: "济\ud800", detail: `${NAME}: contains an unpaired UTF-16 surrogate` },
    { rule: "a name with inner spaces is accepted", type: "loan.filed", path: "borrower.name", value: " Qilu Bank " },
    { rule: "U+FFFE (no SQS message may carry it) is rejected", type: "loan.filed", path: "borrower.name", value: "济南\ufffe", detail: `${NAME}: contains U+FFFE (character 3), which no SQS message may carry` },
    { rule: "U+FFFF is rejected", type: "loan.filed", path: "borrower.name", value: "\uffff济南", detail: `${NAME}: contains U+FFFF (character 1), which no SQS message may carry` },
    { rule: "a C0 control character is rejected", type: "loan.filed", path: "borrower.name", value: "济\u0001南", detail: `${NAME}: contains U+0001 (character 2), which no SQS message may carry` },
    { rule: "NUL is rejected", type: "loan.filed", path: "borrower.name", value: "济南\u0000", detail: `${NAME}: contains U+0000 (character 3)` },
    { rule: "a position counts code points (after an emoji)", type: "loan.filed", path: "borrower.name", value: "🚀\u001f", detail: `${NAME}: contains U+001F (character 2)` },
    { rule: "tab, LF and CR, which SQS carries, are accepted", type: "loan.filed", path: "borrower.name", value: "济\t南\n\r" },
    { rule: "U+FFFD and supplementary characters are accepted", type: "loan.filed", path: "borrower.name", value: "济\ufffd𠀀" },
    { rule: "reason follows the same character rule", type: "hte.certification.revoked", path: "reason", value: "撤\ufffe", detail: "data.reason: contains U+FFFE (character 2)" },
    { rule: "a number name is rejected", type: "loan.filed", path: "borrower.name", value: 7, detail: `${NAME}: must be a name (got number)` },
    { rule: "an organisation name follows the same rule", type: "loan.filed", path: "bank.name", value: "", detail: "data.bank.name: must not be empty" },
    { rule: "reason of 500 code points is accepted", type: "hte.certification.revoked", path: "reason", value: "撤".repeat(500) },
    { rule: "reason of 501 code points is rejected", type: "hte.certification.revoked", path: "reason", value: "撤".repeat(501), detail: "data.reason: must be at most 500 characters (got 501)" },
    { rule: "an empty reason is rejected", type: "hte.certification.revoked", path: "reason", value: "", detail: "data.reason: must not be empty" },
  ]);
});

describe("identifiers: printable ASCII without space; organisation ids [a-z0-9._-]", () => {
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "certificateNo of 32 is accepted", type: "hte.certification.revoked", path: "certificateNo", value: "C".repeat(32) },
    { rule: "certificateNo of 33 is rejected", type: "hte.certification.revoked", path: "certificateNo", value: "C".repeat(33), detail: "data.certificateNo: must be 1–32 printable ASCII characters without spaces (got 33)" },
    { rule: "an empty certificateNo is rejected", type: "hte.certification.revoked", path: "certificateNo", value: "", detail: "data.certificateNo: must be 1–32 printable ASCII characters" },
    { rule: "a space in an identifier is rejected", type: "loan.filed", path: "loanId", value: "JNB 2024", detail: "data.loanId: must be 1–64 printable ASCII characters without spaces; character 4 is U+0020" },
    { rule: "a non-ASCII identifier is rejected", type: "voucher.redeemed", path: "voucherId", value: "券2024", detail: "data.voucherId: must be 1–64 printable ASCII characters without spaces; character 1 is '券' (U+5238)" },
    { rule: "a tab in an identifier is rejected", type: "product.first-purchase.recorded", path: "invoiceNo", value: "A\tB", detail: "data.invoiceNo: must be 1–64 printable ASCII characters without spaces; character 2 is U+0009" },
    { rule: "punctuation is allowed in identifiers", type: "product.first-purchase.recorded", path: "productId", value: "P/2024#007~!" },
    { rule: "voucherId of 64 is accepted", type: "voucher.redeemed", path: "voucherId", value: "V".repeat(64) },
    { rule: "contractNo of 65 is rejected", type: "tech-contract.cancelled", path: "contractNo", value: "9".repeat(65), detail: "data.contractNo: must be 1–64 printable ASCII characters without spaces (got 65)" },
    { rule: "a number identifier is rejected", type: "tech-contract.cancelled", path: "contractNo", value: 2024370100000123, detail: "data.contractNo: must be 1–64 printable ASCII characters (got number)" },
    { rule: "organisation id with . _ - is accepted", type: "loan.filed", path: "bank.id", value: "qilu_bank.jn-01" },
    { rule: "organisation id with a slash is rejected", type: "loan.filed", path: "bank.id", value: "qilu/bank", detail: "data.bank.id: must be 1–64 characters from A–Z, a–z, 0–9, '.', '_', '-'; character 5 is '/' (U+002F)" },
    { rule: "organisation id of 65 is rejected", type: "carrier.accredited", path: "carrier.id", value: "c".repeat(65), detail: "data.carrier.id: must be 1–64 characters from A–Z, a–z, 0–9, '.', '_', '-' (got 65)" },
    { rule: "an empty organisation id is rejected", type: "carrier.accredited", path: "carrier.id", value: "", detail: "data.carrier.id: must be 1–64 characters" },
  ]);
});

describe("case: identifiers are upper case, organisation ids lower case (both case-insensitive codes)", () => {
  const UPPER = "must be upper case (identifiers are case-insensitive; send them upper case)";
  const LOWER = "must be lower case (organisation ids are case-insensitive; send them lower case)";
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "a lower-case certificateNo is rejected", type: "hte.certification.granted", path: "certificateNo", value: "gradvcase1", detail: `data.certificateNo: ${UPPER}; character 1 is 'g' (U+0067)` },
    { rule: "one lower-case letter is enough", type: "hte.certification.revoked", path: "certificateNo", value: "GR2024x1", detail: `data.certificateNo: ${UPPER}; character 7 is 'x'` },
    { rule: "voucherId", type: "voucher.redeemed", path: "voucherId", value: "v2024-1", detail: `data.voucherId: ${UPPER}` },
    { rule: "loanId", type: "loan.filed", path: "loanId", value: "jnb-1", detail: `data.loanId: ${UPPER}` },
    { rule: "loanId of a default", type: "loan.defaulted", path: "loanId", value: "jnb-1", detail: `data.loanId: ${UPPER}` },
    { rule: "productId", type: "product.first-purchase.recorded", path: "productId", value: "p-7", detail: `data.productId: ${UPPER}` },
    { rule: "invoiceNo", type: "product.first-purchase.recorded", path: "invoiceNo", value: "inv-7", detail: `data.invoiceNo: ${UPPER}` },
    { rule: "contractNo", type: "tech-contract.cancelled", path: "contractNo", value: "2024ab", detail: `data.contractNo: ${UPPER}` },
    { rule: "digits and punctuation have no case", type: "tech-contract.cancelled", path: "contractNo", value: "2024-37/01_#~" },
    { rule: "an upper-case bank id is rejected", type: "loan.filed", path: "bank.id", value: "Qilu-Bank", detail: `data.bank.id: ${LOWER}; character 1 is 'Q' (U+0051)` },
    { rule: "carrier id", type: "carrier.accredited", path: "carrier.id", value: "QILU", detail: `data.carrier.id: ${LOWER}` },
    { rule: "incubator id", type: "hte.certification.granted", path: "incubator.id", value: "Qilu", detail: `data.incubator.id: ${LOWER}` },
    { rule: "intermediary id", type: "tech-contract.registered", path: "intermediary.id", value: "SD", detail: `data.intermediary.id: ${LOWER}` },
    { rule: "institution id", type: "transfer-institution.accredited", path: "institution.id", value: "SD", detail: `data.institution.id: ${LOWER}` },
    { rule: "a team holder's id", type: "voucher.redeemed", path: "holder", value: { id: "Team-A", name: "团队", kind: "team" }, detail: `data.holder.id: ${LOWER}` },
    { rule: "a lower-case team holder's id is accepted", type: "voucher.redeemed", path: "holder", value: { id: "team-a", name: "团队", kind: "team" } },
    { rule: "an sme holder's id is its USCC, upper case", type: "voucher.redeemed", path: "holder.id", value: USCC_A.toLowerCase(), detail: "data.holder.id: must be upper case; position" },
  ]);
});

describe("districts: one of the receiving city's district ids", () => {
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "a listed division code is accepted", type: "district.target.set", path: "district", value: "370103" },
    { rule: "a listed functional zone is accepted", type: "district.target.set", path: "district", value: "jinan-hitech-zone" },
    { rule: "an unlisted district is rejected", type: "district.target.set", path: "district", value: "370199", detail: 'data.district: "370199" is not a district of this city' },
    { rule: "a district as a number is rejected", type: "hte.certification.granted", path: "district", value: 370102, detail: "data.district: must be a district id (got number)" },
  ]);

  test("districts come from the context, not a fixed list", () => {
    const other = { city: "jinan", districtIds: new Set(["370199"]) };
    accepted(rawWith("district.target.set", "district", "370199"), other);
    expectRejected(
      rawWith("district.target.set", "district", "370102"),
      "invalid-data",
      "data.district:",
      other,
    );
  });
});

describe("null is a value, not an absent field", () => {
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "optional incubator absent is accepted", type: "hte.certification.granted", path: "incubator", value: ABSENT },
    { rule: "optional incubator null is rejected", type: "hte.certification.granted", path: "incubator", value: null, detail: "data.incubator: null is not allowed; omit the field" },
    { rule: "optional intermediary null is rejected", type: "tech-contract.registered", path: "intermediary", value: null, detail: "data.intermediary: null is not allowed; omit the field" },
    { rule: "optional superDeduction null is rejected", type: "rd.expense.verified", path: "superDeduction", value: null, detail: "data.superDeduction: null is not allowed; omit the field" },
    { rule: "optional rating null is rejected", type: "transfer-institution.accredited", path: "rating", value: null, detail: "data.rating: null is not allowed; omit the field" },
    { rule: "optional nested seller.sme null is rejected", type: "tech-contract.registered", path: "seller.sme", value: null, detail: "data.seller.sme: null is not allowed; omit the field" },
    { rule: "required enterprise null is rejected", type: "innovation-center.accredited", path: "enterprise", value: null, detail: "data.enterprise: must be an object with uscc, name (got null)" },
    { rule: "required date null is rejected", type: "loan.filed", path: "filedOn", value: null, detail: "data.filedOn: must be a date YYYY-MM-DD (got null)" },
    { rule: "a required field absent is rejected", type: "loan.filed", path: "filedOn", value: ABSENT, detail: "data.filedOn: required field is missing" },
    { rule: "a required nested field absent is rejected", type: "loan.filed", path: "borrower.name", value: ABSENT, detail: "data.borrower.name: required field is missing" },
  ]);
});

describe("strict at every level: unknown fields are rejected", () => {
  // biome-ignore format: one case per line reads as a table
  fieldCases([
    { rule: "an unknown field at the data root", type: "loan.filed", path: "foo", value: 1, detail: 'data: unknown field "foo"' },
    { rule: "an unknown null field at the data root", type: "loan.filed", path: "foo", value: null, detail: 'data: unknown field "foo"' },
    { rule: "an unknown field in an enterprise", type: "loan.filed", path: "borrower.foo", value: "x", detail: 'data.borrower: unknown field "foo"' },
    { rule: "an unknown field in an organisation", type: "hte.certification.granted", path: "incubator.level", value: "national", detail: 'data.incubator: unknown field "level"' },
    { rule: "an unknown field in a voucher holder", type: "voucher.redeemed", path: "holder.extra", value: true, detail: 'data.holder: unknown field "extra"' },
    { rule: "an unknown field in a contract party", type: "tech-contract.registered", path: "buyer.foo", value: 1, detail: 'data.buyer: unknown field "foo"' },
    { rule: "a field of another type is unknown here", type: "loan.defaulted", path: "principal", value: "100", detail: 'data: unknown field "principal"' },
  ]);

  test("several unknown fields are named together", () => {
    const data = withField(withField(VALID["loan.filed"], "foo", 1), "bar", 2);
    expectRejected(raw("loan.filed", data), "invalid-data", 'data: unknown fields "foo", "bar"');
  });

  test("a __proto__ key is an unknown field, not a prototype", () => {
    const text = raw("loan.filed").replace('"loanId"', '"__proto__":{"x":1},"loanId"');
    expectRejected(text, "invalid-data", 'data: unknown field "__proto__"');
  });

  test("enumerations reject values outside the list", () => {
    expectRejected(
      rawWith("hte.certification.granted", "kind", "new"),
      "invalid-data",
      'data.kind: must be one of "first", "renewal", "relocated" (got "new")',
    );
  });
});
