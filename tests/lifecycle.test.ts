import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { PaymentInstructionMessage } from "../shared/decisions/lifecycle/messages";
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
