import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { LineItem, ReceivableItem } from "../shared/decisions/lifecycle/items";
import type { PaymentInstructionMessage } from "../shared/decisions/lifecycle/messages";
import type { CityPolicy } from "../shared/policy/city";
import { cityIds, readCity } from "../shared/policy/files";
import { loadLifecycleScenarios, runLifecycle } from "./support/lifecycle";
import { beneficiaryId } from "./support/parties";
import { funderColumn, moneyRows } from "./support/scenarios";

/** The payment lifecycle's rules as data: tests/scenarios/<city>/lifecycle/*.yaml (payments.md). */
const dirOf = (cityId: string) => join(import.meta.dirname, "scenarios", cityId, "lifecycle");
for (const cityId of cityIds().filter((c) => existsSync(dirOf(c)))) {
  const city = readCity(cityId);
  for (const { file, rule, cases } of loadLifecycleScenarios(dirOf(cityId))) {
    describe(`${cityId} lifecycle: ${rule} (${file})`, () => {
      test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, scenario) => {
        const run = runLifecycle(scenario, city);
        expect(run.unbalanced).toEqual([]);
        if (scenario.outcomes) expect(run.outcomes).toEqual(scenario.outcomes);
        if (scenario.lines) {
          const expected = scenario.lines.map(([program, who, period, state, amount]) => [
            program,
            beneficiaryId(who),
            period,
            state,
            amount,
          ]);
          expect(run.lines).toEqual(expected);
        }
        if (scenario.instructions) {
          const sent = run.result.lifecycle
            .flatMap((item) => item.messages)
            .filter((m): m is PaymentInstructionMessage => m.kind === "payment-instruction")
            .map((m) => [m.program, m.beneficiary.id, m.period, m.amount, ...funderColumn(m)]);
          expect(sent).toEqual(moneyRows(scenario.instructions));
        }
        if (scenario.messages) {
          const counts: Record<string, number> = {};
          for (const item of run.result.lifecycle)
            for (const m of item.messages) counts[m.kind] = (counts[m.kind] ?? 0) + 1;
          for (const [kind, n] of Object.entries(scenario.messages)) expect(counts[kind] ?? 0, kind).toBe(n);
        }
        expect(run.result.deadLetters.length).toBe(scenario.deadLetters ?? 0);
      });
    });
  }
}

// payments.md § Payment lines, Netting: `"beneficiary"` nets a debt across programs, oldest receivable first.
test("netting across programs: the renewal line is netted out whole against the first award's debt", () => {
  const city = readCity("jinan");
  const across: CityPolicy = {
    ...city,
    payments: { ...city.payments, settings: { ...city.payments.settings, netting: "beneficiary" } },
  };
  const scenario = loadLifecycleScenarios(join(import.meta.dirname, "scenarios", "jinan", "lifecycle"))
    .flatMap((file) => file.cases)
    .find((c) => c.name.startsWith("a debt is not netted against another program's line"));
  if (!scenario) throw new Error("no cross-program netting case in receivables.yaml");
  const run = runLifecycle(scenario, across);
  expect(run.unbalanced).toEqual([]);
  expect(run.lines).toEqual([
    ["hte-first-award", beneficiaryId("E1"), 2024, "disbursed", "300000.00"],
    ["hte-renewal-award", beneficiaryId("E1"), 2024, "reduced", "0.00"],
  ]);
  const items = [...run.result.items.values()];
  const renewal = items.find((i): i is LineItem => i.entity === "line" && i.program === "hte-renewal-award");
  expect(renewal?.netted.map((n) => [n.program, n.period, n.fen])).toEqual([
    ["hte-first-award", 2024, 10_000_000n],
  ]);
  const receivable = items.find((i): i is ReceivableItem => i.entity === "receivable");
  expect([receivable?.program, receivable?.owedFen, receivable?.nettedInFen]).toEqual([
    "hte-first-award",
    20_000_000n,
    10_000_000n,
  ]);
  expect(receivable?.history.at(-1)?.what).toBe(`netted by ${renewal?.lineId}`);
});
