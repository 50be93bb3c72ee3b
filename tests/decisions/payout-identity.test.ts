import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { PayoutMessage } from "../../shared/decisions/payouts";
import { parseCityConfig } from "../../shared/policy/city";
import { CITIES_DIR } from "../../shared/policy/files";
import { simulate } from "../../shared/simulate/simulate";
import { toLine } from "../support/scenarios";

test("one payout per (program, beneficiary, period) even when a replacement moves a fact between units", () => {
  // A city that splits R&D units by category: a correction of the category leaves one unit for another.
  const raw = JSON.parse(readFileSync(join(CITIES_DIR, "jinan.json"), "utf8"));
  const rd = raw.policyVersions[0].programs.find((p: { id: string }) => p.id === "rd-subsidy");
  rd.unitBy = ["category"];
  const city = parseCityConfig(raw, "jinan.json (rd split by category)");
  const lines = [
    {
      type: "rd.expense.verified",
      time: "2025-03-01T09:00:00+08:00",
      data: { enterprise: "E1", fiscalYear: 2024, category: "hte", rdExpense: "8000000" },
    },
    {
      type: "rd.expense.verified",
      time: "2025-05-01T09:00:00+08:00",
      data: { enterprise: "E1", fiscalYear: 2024, category: "tech-sme", rdExpense: "4000000" },
    },
  ].map((e, i) => toLine(e, i, "jinan"));
  const messages = simulate(lines, city, () => "2026-01-01T00:00:00.000Z").messages as PayoutMessage[];

  expect(messages.map((m) => [m.kind, m.amount])).toEqual([
    ["payout", "200000.00"],
    ["clawback", "-100000.00"], // −200,000 on the hte unit and +100,000 on the tech-sme unit, as one message
  ]);
  expect(new Set(messages.map((m) => m.payoutId)).size).toBe(2);
  expect(messages[1]?.explanation).toContain("[category tech-sme] 2.5% × 4000000.00 = 100000.00");
  expect(messages[1]?.explanation).toContain("[category hte] no standing amount = 0.00");
});
