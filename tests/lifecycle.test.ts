import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readCity } from "../shared/policy/files";
import { loadLifecycleScenarios, runLifecycle } from "./support/lifecycle";
import { beneficiaryId } from "./support/parties";

/** The payment lifecycle's rules as data: tests/scenarios/<city>/lifecycle/*.yaml (payments.md). */
const city = readCity("jinan");
for (const { file, rule, cases } of loadLifecycleScenarios(
  join(import.meta.dirname, "scenarios", "jinan", "lifecycle"),
)) {
  describe(`jinan lifecycle: ${rule} (${file})`, () => {
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
