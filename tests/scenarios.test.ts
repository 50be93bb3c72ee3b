import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Decision } from "../shared/decisions/items";
import type { PayoutMessage } from "../shared/decisions/payouts";
import { cityIds, readCity } from "../shared/policy/files";
import { simulate } from "../shared/simulate/simulate";
import { beneficiaryId } from "./support/parties";
import { funderColumn, loadScenarios, moneyRows, toLine } from "./support/scenarios";

/** Scenario files per city: `tests/scenarios/<city>/<program or rule>.yaml`, one case per row and boundary. */
for (const cityId of cityIds().filter((c) => existsSync(join(import.meta.dirname, "scenarios", c)))) {
  const city = readCity(cityId);
  for (const { file, rule, cases } of loadScenarios(join(import.meta.dirname, "scenarios", cityId))) {
    describe(`${cityId} ${rule} (${file})`, () => {
      test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, scenario) => {
        const lines = scenario.events.map((event, i) => toLine(event, i, cityId));
        const outcomes: string[] = [];
        const result = simulate(
          lines,
          city,
          // When the replay's queue accepted every line: after every scenario's time (future-time).
          () => "2099-12-31T00:00:00.000Z",
          (d) => outcomes.push(outcomeOf(d)),
        );
        const payouts = result.messages
          .filter((m): m is PayoutMessage => m.kind !== "release")
          .filter((m) => !scenario.only || scenario.only.includes(m.program))
          .map((m) => [m.program, m.beneficiary.id, m.period, m.amount, ...funderColumn(m)]);
        expect(payouts).toEqual(moneyRows(scenario.payouts));
        if (scenario.held) {
          const held = result.messages
            .filter((m): m is PayoutMessage => m.kind !== "release" && m.status === "awaiting-budget")
            .map((m) => [m.program, m.beneficiary.id, m.period, m.amount]);
          expect(held).toEqual(
            scenario.held.map(([p, who, period, a]) => [p, beneficiaryId(who), period, a]),
          );
        }
        if (scenario.releases) {
          const releases = result.messages
            .filter((m) => m.kind === "release")
            .map((m) => [m.program, m.beneficiary.id, m.period]);
          expect(releases).toEqual(
            scenario.releases.map(([p, who, period]) => [p, beneficiaryId(who), period]),
          );
        }
        if (scenario.outcomes) expect(outcomes).toEqual(scenario.outcomes);
        expect(result.deadLetters.length).toBe(scenario.deadLetters ?? 0);
      });
    });
  }
}

function outcomeOf(decision: Decision | { outcome: "rejected"; rejection: { reason: string } }): string {
  if (decision.outcome === "rejected") return `rejected:${decision.rejection.reason}`;
  if (decision.outcome === "applied") return decision.reason ?? "applied";
  return decision.outcome;
}
