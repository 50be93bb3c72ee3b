import { describe, expect, test } from "vitest";
import { existingSchemaFiles, expectedSchemaFiles } from "../../scripts/export-schemas";
import { cityJsonSchemaFiles, FACT_TYPES } from "../../shared/contract";

describe("schemas/ is what `npm run schemas` generates from cities/", () => {
  const expected = expectedSchemaFiles();
  const existing = existingSchemaFiles();

  test("no schema file is missing", () => {
    expect([...expected.keys()].filter((path) => !existing.has(path))).toEqual([]);
  });

  test("no stale schema file is left", () => {
    expect([...existing.keys()].filter((path) => !expected.has(path))).toEqual([]);
  });

  test.each([...expected.keys()])("%s is up to date", (path) => {
    expect(existing.get(path)).toBe(expected.get(path));
  });
});

describe("cityJsonSchemaFiles: one wire-shape schema per type", () => {
  const files = cityJsonSchemaFiles({
    city: "testcity",
    districts: [{ id: "370102" }, { id: "hitech-zone" }],
  });
  const schemaOf = (type: string) => JSON.parse(files.get(`testcity/${type}.schema.json`) ?? "null");

  test("a file for every type, and only those", () => {
    expect([...files.keys()].sort()).toEqual(FACT_TYPES.map((t) => `testcity/${t}.schema.json`).sort());
  });

  test("deterministic, two-space JSON with a trailing newline", () => {
    const again = cityJsonSchemaFiles({
      city: "testcity",
      districts: [{ id: "370102" }, { id: "hitech-zone" }],
    });
    expect([...again]).toEqual([...files]);
    for (const text of files.values()) expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  test("the envelope pins type and city and forbids data_base64", () => {
    const schema = schemaOf("loan.filed");
    expect(schema.properties.type).toEqual({ const: "loan.filed" });
    expect(schema.properties.city).toEqual({ const: "testcity" });
    expect(schema.properties.specversion).toEqual({ const: "1.0" });
    expect(schema.required).toEqual(["specversion", "id", "source", "type", "time", "city", "data"]);
    expect(schema.not).toEqual({ required: ["data_base64"] });
    expect(schema.additionalProperties).toBeUndefined();
  });

  test("data is strict and money is the wire's yuan string", () => {
    const data = schemaOf("loan.filed").properties.data;
    expect(data.additionalProperties).toBe(false);
    expect(data.properties.borrower.additionalProperties).toBe(false);
    expect(data.properties.principal.type).toBe("string");
    expect(new RegExp(data.properties.principal.pattern).test("0")).toBe(false);
    expect(new RegExp(data.properties.principal.pattern).test("1000.5")).toBe(true);
    const defaulted = schemaOf("loan.defaulted").properties.data;
    expect(new RegExp(defaulted.properties.nonPerformingPrincipal.pattern).test("0")).toBe(true);
  });

  test("districts are the city's", () => {
    expect(schemaOf("district.target.set").properties.data.properties.district.enum).toEqual([
      "370102",
      "hitech-zone",
    ]);
  });

  test("conditional requirements are stated with if/then", () => {
    const rd = schemaOf("rd.expense.verified").properties.data;
    expect(rd.required).not.toContain("superDeduction");
    expect(rd.if.properties.category).toEqual({ const: "ic" });
    expect(rd.then).toEqual({ required: ["superDeduction"] });
    const transfer = schemaOf("transfer-institution.accredited").properties.data;
    expect(transfer.if.properties.level).toEqual({ const: "provincial-demo" });
    expect(transfer.then).toEqual({ required: ["rating"] });
    const contract = schemaOf("tech-contract.registered").properties.data;
    expect(contract.properties.buyer.required).toContain("sme");
    expect(contract.properties.seller.required).not.toContain("sme");
    expect(contract.required).not.toContain("intermediary");
  });
});
