/**
 * The renderings hold what a registry sends as text: a name is shown, never run — not as markup in the HTML
 * report, not as a formula in the CSV — and the change rate is integer arithmetic.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { comparisonCsv } from "../../reports/csv";
import { comparisonHtml, percentChange } from "../../reports/html";
import { readCity, readCityFile } from "../../shared/policy/files";
import { compare } from "../../shared/simulate/compare";
import { usccFor } from "../support/parties";
import { toLine } from "../support/scenarios";

const HOSTILE = '=HYPERLINK("x")</script><img src=x onerror=alert(1)>';

describe("a hostile name in the reports", () => {
  const line = toLine(
    {
      type: "hte.certification.granted",
      data: {
        certificateNo: "GR1",
        enterprise: { uscc: usccFor("E1"), name: HOSTILE },
        kind: "first",
        scale: "above",
        district: "370102",
        issuedOn: "2024-05-06",
      },
    },
    0,
    "jinan",
  );
  const floor = readCityFile(join(import.meta.dirname, "../../examples/reforms/jinan-floor.json"));
  const c = compare([line], readCity("jinan"), floor, () => "2099-12-31T00:00:00Z");

  test("is paid, and so is charted and listed", () => {
    expect(c.rows.map((r) => [r.beneficiary.name, r.baselineFen, r.reformFen])).toEqual([
      [HOSTILE, 30_000_000n, 20_000_000n],
    ]);
  });

  test("the HTML shows it as text: escaped in the tables, unable to close the data's script element", () => {
    const html = comparisonHtml(c, { baseline: "b", reform: "r", events: "e" }, "/* echarts */");
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;");
    // Three script elements, each closed once: the data, ECharts, the chart script.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  test("the CSV quotes it and keeps a spreadsheet from reading it as a formula", () => {
    const [, row] = comparisonCsv(c).split("\r\n");
    expect(row).toContain(`,"'=HYPERLINK(""x"")</script><img src=x onerror=alert(1)>",`);
  });
});

test.each([
  [100_00n, 50_00n, "-50.00%"],
  [300_00n, 200_00n, "-33.33%"],
  [300_00n, 400_00n, "+33.33%"],
  [1n, 2n, "+100.00%"],
  [7_00n, 7_00n, "0.00%"],
  [0n, 5_00n, "新增"],
  [0n, 0n, "0.00%"],
])("change rate %s → %s fen: %s, cut toward zero", (baselineFen, reformFen, rate) => {
  expect(percentChange({ baselineFen, reformFen })).toBe(rate);
});
