import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { sqsJson, sqsRefusal } from "../../shared/contract";

describe("sqsJson: JSON any SQS queue carries, meaning what JSON.stringify means", () => {
  test("U+FFFE and U+FFFF are written as escapes: plain ASCII on the wire", () => {
    const text = sqsJson({ name: "济\ufffe南\uffff", key: { "\ufffe": 1 } });
    expect(text).toBe('{"name":"济\\uFFFE南\\uFFFF","key":{"\\uFFFE":1}}');
    expect(sqsRefusal(text)).toBeUndefined();
    expect(sqsRefusal(JSON.stringify({ name: "\ufffe" }))?.reason).toBe("invalid-characters");
  });

  test("any value of any strings (lone surrogates too): carried, and parsed back to the same value", () => {
    const text = fc.string({ unit: "binary", maxLength: 40 });
    const value = fc.dictionary(text, fc.oneof(text, fc.array(text), fc.integer()));
    fc.assert(
      fc.property(value, (v) => {
        const body = sqsJson(v);
        expect(sqsRefusal(body)).toBeUndefined();
        expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  test("text without such characters is exactly JSON.stringify", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const plain = JSON.stringify(v);
        if (!/[\ufffe\uffff]/.test(plain)) expect(sqsJson(v)).toBe(plain);
      }),
    );
  });
});
