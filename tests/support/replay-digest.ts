/**
 * Digests of what the replay produces — payouts and releases, rejections, dead letters, refused lines,
 * outcomes, the lifecycle's outbox, every item of the final ledger (by key) and the line states — for the
 * sample, every scenario file and a generated province stream. `tests/replay-digests.json` holds them as
 * the release before the scale work (c87f048) produced them (tests/support/pin-replay-digests.ts); the replay
 * must keep producing exactly these (issue 16 § Tests).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { provinceStream } from "../../bench/replay-stream";
import { reconcileLedger } from "../../shared/decisions/lifecycle/reconcile";
import { cityIds, readCity } from "../../shared/policy/files";
import { type SimulationResult, simulate } from "../../shared/simulate/simulate";
import { formatLineStates } from "../../shared/simulate/summary";
import { loadLifecycleScenarios, runLifecycle } from "./lifecycle";
import { loadScenarios, toLine } from "./scenarios";

const ROOT = join(import.meta.dirname, "..", "..");
const SCENARIOS = join(ROOT, "tests", "scenarios");
const AT = "2026-12-01T00:00:00.000Z";
/** Small enough for `npm test`; the bench replays the 1.5-million-fact one. */
export const DIGEST_PROVINCE = { seed: 16, facts: 4000 } as const;

/** One JSON text per line of what a replay produced, bigints marked so `1n` and `1` differ. */
function linesOf(result: SimulationResult, states: string): string[] {
  const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  const items = [...result.items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...result.messages.map(json),
    ...result.rejections.map(json),
    ...result.deadLetters.map(json),
    ...result.refused.map(json),
    json(result.outcomes),
    ...result.lifecycle.map(json),
    ...items.map(([id, item]) => `${id} ${json(item)}`),
    states,
  ];
}

async function digestOf(results: readonly SimulationResult[], city = readCity("jinan")): Promise<string> {
  const hash = createHash("sha256");
  for (const result of results) {
    const states = formatLineStates(await reconcileLedger(result.ledger, city));
    for (const line of linesOf(result, states)) hash.update(line).update("\n");
  }
  return hash.digest("hex");
}

/** Every run's digest, by name: the sample, each scenario file (its cases in order), the province stream. */
export async function replayDigests(): Promise<Record<string, string>> {
  const jinan = readCity("jinan");
  const digests: Record<string, string> = {};
  const sample = readFileSync(join(ROOT, "examples", "jinan-2024.ndjson"), "utf8").split("\n");
  digests["examples/jinan-2024.ndjson"] = await digestOf([simulate(sample, jinan, () => AT)]);
  for (const cityId of cityIds().filter((c) => existsSync(join(SCENARIOS, c)))) {
    const city = readCity(cityId);
    for (const { file, cases } of loadScenarios(join(SCENARIOS, cityId))) {
      const results = cases.map((c) =>
        simulate(
          c.events.map((event, i) => toLine(event, i, cityId)),
          city,
          () => "2099-12-31T00:00:00.000Z",
        ),
      );
      digests[`tests/scenarios/${cityId}/${file}`] = await digestOf(results, city);
    }
  }
  for (const cityId of cityIds().filter((c) => existsSync(join(SCENARIOS, c, "lifecycle")))) {
    const city = readCity(cityId);
    for (const { file, cases } of loadLifecycleScenarios(join(SCENARIOS, cityId, "lifecycle"))) {
      const results = cases.map((c) => runLifecycle(c, city).result);
      digests[`tests/scenarios/${cityId}/lifecycle/${file}`] = await digestOf(results, city);
    }
  }
  const { seed, facts } = DIGEST_PROVINCE;
  const province = provinceStream(DIGEST_PROVINCE);
  digests[`province seed ${seed}, ${facts} facts`] = await digestOf([simulate(province, jinan, () => AT)]);
  return digests;
}
