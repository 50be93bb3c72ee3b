import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ECHO_LIMITS, sqsJson } from "../../shared/contract";
import { CUT_MARK, cut } from "../../shared/contract/describe";
import { CONTEXT, parse, raw, rejected, VALID } from "./fixtures";

const points = (text: string | null) => [...(text ?? "")].length;

describe("cut: at most max code points, then the mark", () => {
  test("a short value is itself; a long one its first max code points and …", () => {
    expect(cut("abc", 3)).toBe("abc");
    expect(cut("abcd", 3)).toBe(`abc${CUT_MARK}`);
    expect(cut("🚀🚀🚀", 3)).toBe("🚀🚀🚀"); // 6 UTF-16 units, 3 code points
    expect(cut("🚀🚀🚀🚀", 3)).toBe(`🚀🚀🚀${CUT_MARK}`);
  });

  test("never more than max + 1 code points, always a prefix, never half a surrogate pair", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), fc.nat(40), (value, max) => {
        const out = cut(value, max);
        if (points(value) <= max) {
          expect(out).toBe(value);
        } else {
          expect(points(out)).toBe(max + 1);
          expect(out.endsWith(CUT_MARK)).toBe(true);
          expect(value.startsWith(out.slice(0, -CUT_MARK.length))).toBe(true);
          expect(out).not.toMatch(/\p{Surrogate}/u);
        }
      }),
    );
  });
});

describe("a rejection repeats a bounded amount of any message", () => {
  test("source, id and type are cut to the contract's limits, with the mark", () => {
    const r = rejected(
      JSON.stringify({ specversion: "1.0", id: "i".repeat(5000), source: "s".repeat(1_000_000), type: "t" }),
    );
    expect(r.reason).toBe("not-cloudevent");
    expect(r.id).toBe(`${"i".repeat(ECHO_LIMITS.id)}${CUT_MARK}`);
    expect(r.source).toBe(`${"s".repeat(ECHO_LIMITS.source)}${CUT_MARK}`);
    const type = rejected(raw("x".repeat(10_000)));
    expect(type).toMatchObject({
      reason: "unsupported-type",
      type: `${"x".repeat(ECHO_LIMITS.type)}${CUT_MARK}`,
    });
  });

  test("a valid source of exactly 256 code points is echoed whole", () => {
    const source = "源".repeat(256);
    expect(rejected(raw("loan.sold", {}, { source })).source).toBe(source);
  });

  test("a detail naming 10,000 unknown fields stays at most the detail limit", () => {
    const data = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${"x".repeat(100)}${i}`, 1]));
    const r = rejected(raw("loan.filed", { ...VALID["loan.filed"], ...data }));
    expect(r.detail).toMatch(/^data: unknown fields "fxxx/);
    expect(points(r.detail)).toBe(ECHO_LIMITS.detail + 1);
  });

  test("whatever the envelope holds, the published rejection is a few kilobytes", () => {
    const big = fc.string({ unit: "binary", minLength: 0, maxLength: 3000 });
    fc.assert(
      fc.property(big, big, big, big, (id, source, type, key) => {
        const body = JSON.stringify({ specversion: "1.0", id, source, type, time: "x", data: { [key]: 1 } });
        const result = parse(body, CONTEXT);
        if (result.ok) return;
        const published = sqsJson({ ...result.rejection, receivedAt: "2026-01-01T00:00:00.000Z" });
        expect(new TextEncoder().encode(published).byteLength).toBeLessThan(10_000);
      }),
      { numRuns: 200 },
    );
  });
});
