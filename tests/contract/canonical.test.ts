import { describe, expect, test } from "vitest";
import { canonicalJson } from "../../shared/contract";
import { accepted, envelopeOf, raw, VALID, withField } from "./fixtures";

describe("canonicalJson: sorted keys, no whitespace, bigint as a decimal string", () => {
  test.each([
    ["keys sorted at every level", { b: 1, a: { d: true, c: null } }, '{"a":{"c":null,"d":true},"b":1}'],
    ["bigint as a decimal string", { fen: 100000n }, '{"fen":"100000"}'],
    ["undefined fields left out", { a: undefined, b: "x" }, '{"b":"x"}'],
    ["arrays keep order", [3, 1, 2], "[3,1,2]"],
    ["strings escaped as JSON", { s: 'a"b\n济' }, '{"s":"a\\"b\\n济"}'],
  ])("%s", (_rule, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  test("values with no JSON form throw", () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe("bodyHash and dataHash compare parsed values", () => {
  const base = accepted(raw("loan.filed"));

  test("key order does not matter", () => {
    const data = VALID["loan.filed"];
    const reversed = Object.fromEntries(Object.entries(data).reverse());
    const envelope = Object.fromEntries(Object.entries(envelopeOf("loan.filed", reversed)).reverse());
    const m = accepted(JSON.stringify(envelope));
    expect([m.bodyHash, m.dataHash]).toEqual([base.bodyHash, base.dataHash]);
  });

  test("whitespace does not matter", () => {
    const m = accepted(JSON.stringify(envelopeOf("loan.filed"), null, 4));
    expect(m.bodyHash).toBe(base.bodyHash);
  });

  test('"1000" and "1000.00" are equal', () => {
    const a = accepted(raw("loan.filed", withField(VALID["loan.filed"], "principal", "1000")));
    const b = accepted(raw("loan.filed", withField(VALID["loan.filed"], "principal", "1000.00")));
    expect([a.bodyHash, a.dataHash]).toEqual([b.bodyHash, b.dataHash]);
  });

  test("+08:00 and Z for the same instant are equal", () => {
    const m = accepted(raw("loan.filed", VALID["loan.filed"], { time: "2024-11-20T01:30:00.000Z" }));
    expect(m.bodyHash).toBe(base.bodyHash);
  });

  test("id, source, datacontenttype and extension attributes are not part of the body", () => {
    const m = accepted(
      raw("loan.filed", VALID["loan.filed"], {
        id: "OTHER-1",
        source: "registry/other",
        datacontenttype: "application/json; charset=utf-8",
        subject: "JNB-2024-0042",
        traceparent: "00-abc-def-01",
      }),
    );
    expect(m.bodyHash).toBe(base.bodyHash);
  });

  test("different data differs in both hashes", () => {
    const m = accepted(raw("loan.filed", withField(VALID["loan.filed"], "principal", "5000000.01")));
    expect(m.bodyHash).not.toBe(base.bodyHash);
    expect(m.dataHash).not.toBe(base.dataHash);
  });

  test("a different instant differs in bodyHash only", () => {
    const m = accepted(
      raw("loan.filed", VALID["loan.filed"], { time: "2024-11-20T09:30:00.000000001+08:00" }),
    );
    expect(m.bodyHash).not.toBe(base.bodyHash);
    expect(m.dataHash).toBe(base.dataHash);
  });

  test("an absent optional field differs from a present one", () => {
    const granted = accepted(raw("hte.certification.granted"));
    const without = accepted(
      raw("hte.certification.granted", withField(VALID["hte.certification.granted"], "incubator", undefined)),
    );
    expect(without.dataHash).not.toBe(granted.dataHash);
  });

  test("the hashes are of the canonical JSON documented in Message", async () => {
    const { createHash } = await import("node:crypto");
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(base.dataHash).toBe(sha(canonicalJson(base.data)));
    expect(base.bodyHash).toBe(sha(canonicalJson({ type: base.type, time: base.time, data: base.data })));
    expect(canonicalJson(base.data)).toContain('"principal":"500000000"');
  });
});
