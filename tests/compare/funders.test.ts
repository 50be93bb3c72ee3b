/**
 * By funder (payouts.md § Funders): the summary `simulate` prints and the compare report both group the
 * money by who pays it, and each grouping adds up to the total it sits under, to the fen.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { comparisonHtml } from "../../reports/html";
import { formatComparison } from "../../reports/terminal";
import { parseCityConfig } from "../../shared/policy/city";
import { readCity } from "../../shared/policy/files";
import { compare, type Pair } from "../../shared/simulate/compare";
import { decodeStream } from "../../shared/simulate/lines";
import { simulate } from "../../shared/simulate/simulate";
import { formatSummary, NO_FUNDERS, summarise } from "../../shared/simulate/summary";

const root = join(import.meta.dirname, "../..");
const sample = decodeStream(readFileSync(join(root, "examples/jinan-2024.ndjson")));
const clock = () => "2099-12-31T00:00:00Z";
const jinan = readCity("jinan");

/** A what-if: the districts pay 60 % of the high-tech first award, the city 40 %; no amount changes. */
function withDistrictShare() {
  const file = JSON.parse(readFileSync(join(root, "cities/jinan.json"), "utf8"));
  const award = file.policyVersions[0].programs.find((p: { id: string }) => p.id === "hte-first-award");
  award.funders = [
    { funder: "city", name: "市级财政", shareBasisPoints: 4000 },
    { funder: "district", name: "区县财政", shareBasisPoints: 6000 },
  ];
  return parseCityConfig(file, "jinan.json (hte-first-award 40/60)");
}

const sumPairs = (pairs: Iterable<Pair>) =>
  [...pairs].reduce(
    (t, p) => ({ baselineFen: t.baselineFen + p.baselineFen, reformFen: t.reformFen + p.reformFen }),
    {
      baselineFen: 0n,
      reformFen: 0n,
    },
  );

describe("the summary by funder", () => {
  test("a city without funders prints no funder table", () => {
    const result = simulate(sample, jinan, clock);
    const summary = summarise(result.messages, result.rejections, result.deadLetters);
    expect(summary.funders.size).toBe(0);
    expect(formatSummary(summary)).not.toContain("funder");
  });

  test("with funders, each funder's net and the programs that name none add up to the total", () => {
    const result = simulate(sample, withDistrictShare(), clock);
    const summary = summarise(result.messages, result.rejections, result.deadLetters);
    expect([...summary.funders.keys()]).toEqual(["city", "district", NO_FUNDERS]);
    const totalFen = [...summary.programs.values()].reduce((t, p) => t + p.netFen, 0n);
    expect([...summary.funders.values()].reduce((a, b) => a + b, 0n)).toBe(totalFen);
    const award = summary.programs.get("hte-first-award")?.netFen ?? 0n;
    expect((summary.funders.get("city") ?? 0n) + (summary.funders.get("district") ?? 0n)).toBe(award);
    expect(formatSummary(summary)).toMatch(/funder +net yuan/);
  });
});

describe("the compare report by funder", () => {
  const c = compare(sample, jinan, withDistrictShare(), clock);

  test("moves no money: every program and the total are the same on both sides", () => {
    for (const pair of c.programs.values()) expect(pair.reformFen).toBe(pair.baselineFen);
    expect(c.total.reformFen).toBe(c.total.baselineFen);
  });

  test("the baseline is all the city's programs without funders; the reform splits the award", () => {
    const award = c.programs.get("hte-first-award");
    expect([...c.funders.keys()]).toEqual(["city", "district", NO_FUNDERS]);
    expect(c.funders.get(NO_FUNDERS)?.baselineFen).toBe(c.total.baselineFen);
    expect(c.funders.get(NO_FUNDERS)?.reformFen).toBe(c.total.reformFen - (award?.reformFen ?? 0n));
    expect(sumPairs(c.funders.values())).toEqual(c.total);
    // Every award is 300,000 or 200,000: 40 % of it exactly.
    expect(c.funders.get("city")?.reformFen).toBe(((award?.reformFen ?? 0n) * 4000n) / 10_000n);
  });

  test("the terminal and the HTML report show the funders; a comparison without funders does not", () => {
    expect(formatComparison(c)).toMatch(/^funder +baseline yuan/m);
    expect(formatComparison(c)).toContain("区县财政");
    expect(comparisonHtml(c, { baseline: "a", reform: "b", events: "e" }, "")).toContain("<h2>按出资方</h2>");
    const plain = compare(sample, jinan, jinan, clock);
    expect(plain.funders.size).toBe(0);
    expect(formatComparison(plain)).not.toContain("funder");
    expect(comparisonHtml(plain, { baseline: "a", reform: "b", events: "e" }, "")).not.toContain("按出资方");
  });
});
