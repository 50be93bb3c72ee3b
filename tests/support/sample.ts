/** The committed sample replayed in memory, keeping every applied decision: tests of what the stored ledger would write. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Decision } from "../../shared/decisions/items";
import type { CityPolicy } from "../../shared/policy/city";
import { type ReplayOptions, simulate } from "../../shared/simulate/simulate";

export type Applied = Extract<Decision, { outcome: "applied" }>;

export function replaySample(city: CityPolicy, now: string, options?: ReplayOptions) {
  const sample = readFileSync(join(import.meta.dirname, "..", "..", "examples", "jinan-2024.ndjson"), "utf8");
  const applied: Applied[] = [];
  const result = simulate(
    sample.split("\n").filter((l) => l !== ""),
    city,
    () => now,
    (outcome) => {
      if (outcome.outcome === "applied") applied.push(outcome);
    },
    options,
  );
  return { result, applied };
}
