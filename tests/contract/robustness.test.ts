import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FACT_TYPES } from "../../shared/contract";
import { CONTEXT, envelopeOf, parse } from "./fixtures";

/** parseMessage must answer every body with a result: a throw would fail the whole ingest batch. */
describe("parseMessage never throws", () => {
  test("on any string", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(parse(text, CONTEXT)).toHaveProperty("ok");
      }),
    );
  });

  test("on any JSON value", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parse(text, CONTEXT)).toHaveProperty("ok");
      }),
    );
  });

  test("on a valid envelope around any data", () => {
    fc.assert(
      fc.property(fc.constantFrom(...FACT_TYPES), fc.jsonValue(), (type, data) => {
        const result = parse(JSON.stringify(envelopeOf(type, data)), CONTEXT);
        if (!result.ok) expect(result.rejection.detail).toMatch(/^data\b/);
      }),
    );
  });

  test("on very deep nesting", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(parse(deep, CONTEXT).ok).toBe(false);
    const text = JSON.stringify(envelopeOf("loan.filed")).replace('"loanId"', `"extra":${deep},"loanId"`);
    expect(parse(text, CONTEXT)).toMatchObject({ ok: false, rejection: { reason: "invalid-data" } });
  });
});
