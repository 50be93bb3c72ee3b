import { describe, expect, test } from "vitest";
import { describeSplit, type Funders, funderLines, splitFen } from "../../shared/decisions/funders";
import { fenToYuan, yuanToFen } from "../../shared/money";

const funders = (...shares: [string, number][]): Funders =>
  shares.map(([funder, shareBasisPoints]) => ({ funder, name: funder, shareBasisPoints }));
const yuan = (lines: Map<string, bigint>) =>
  Object.fromEntries([...lines].map(([f, fen]) => [f, fenToYuan(fen)]));
const fen = (y: string) => yuanToFen(y) ?? 0n;

const cityDistrict = funders(["city", 4000], ["district", 6000]);
const threeWay = funders(["city", 3334], ["district", 3333], ["park", 3333]);

/** The worked examples of docs/contract/payouts.md § Funders, as a finance officer would check them. */
describe("the split of an entitlement among funders (largest remainder)", () => {
  test("100,000.01 split 40/60: the fen left over goes to the larger remainder", () => {
    expect(yuan(splitFen(fen("100000.01"), cityDistrict))).toEqual({
      city: "40000.00",
      district: "60000.01",
    });
  });

  test("one and two fen three ways: largest remainder, ties to the funder listed first", () => {
    expect(yuan(splitFen(1n, threeWay))).toEqual({ city: "0.01", district: "0.00", park: "0.00" });
    expect(yuan(splitFen(2n, threeWay))).toEqual({ city: "0.01", district: "0.01", park: "0.00" });
    expect(yuan(splitFen(1n, funders(["a", 5000], ["b", 5000])))).toEqual({ a: "0.01", b: "0.00" });
    expect(yuan(splitFen(1n, funders(["b", 5000], ["a", 5000])))).toEqual({ b: "0.01", a: "0.00" });
  });

  test("a correction from 300,000 to 200,000: each funder pays back its own difference", () => {
    expect(yuan(funderLines(0n, fen("300000"), cityDistrict))).toEqual({
      city: "120000.00",
      district: "180000.00",
    });
    expect(yuan(funderLines(fen("300000"), fen("200000"), cityDistrict))).toEqual({
      city: "-40000.00",
      district: "-60000.00",
    });
  });

  test("a correction of one fen moves the fen the rounding says, not the payout's share of it", () => {
    expect(yuan(funderLines(fen("100000.01"), fen("100000.02"), cityDistrict))).toEqual({
      city: "0.01",
      district: "0.00",
    });
  });

  test("splitting each payout would drift; splitting the entitlement does not", () => {
    let paid = 0n;
    const byFunder = new Map([
      ["city", 0n],
      ["district", 0n],
    ]);
    for (let i = 0; i < 3; i++) {
      for (const [f, line] of funderLines(paid, paid + 1n, cityDistrict))
        byFunder.set(f, (byFunder.get(f) ?? 0n) + line);
      paid += 1n;
    }
    expect(yuan(byFunder)).toEqual({ city: "0.01", district: "0.02" });
  });

  test("a single funder takes all; a negative amount mirrors its magnitude", () => {
    expect(yuan(splitFen(fen("123.45"), funders(["district", 10_000])))).toEqual({ district: "123.45" });
    expect(yuan(splitFen(-fen("100000.01"), cityDistrict))).toEqual({
      city: "-40000.00",
      district: "-60000.01",
    });
  });

  test("the explanation shows the split after and before, from which each line follows", () => {
    expect(describeSplit(fen("100000.01"), fen("100000.02"), cityDistrict)).toBe(
      "split of 100000.02: city 40% 40000.01, district 60% 60000.01 (before: city 40000.00, district 60000.01)",
    );
  });
});
