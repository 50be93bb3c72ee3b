import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Item } from "../../shared/decisions/items";
import { keyId, keys } from "../../shared/decisions/keys";
import type { BatchItem, LineItem, SeriesItem } from "../../shared/decisions/lifecycle/items";
import { reconcilePartition } from "../../shared/decisions/lifecycle/reconcile";
import { lineStatus } from "../../shared/decisions/lifecycle/state";
import { batchKeyOf, budgetKeyOf } from "../../shared/decisions/lifecycle/view";
import { fenToYuan } from "../../shared/money";
import type { CityPolicy } from "../../shared/policy/city";
import { type Outcome, Replay } from "../../shared/simulate/simulate";
import { beneficiaryId } from "./parties";
import { type ScenarioEvent, toLine } from "./scenarios";

/**
 * Lifecycle scenarios as data (tests/scenarios/<city>/lifecycle/*.yaml): events in; outcomes, lines by
 * state and outbound messages out. An event may name a line by its unit — `lineId: { line: [program,
 * alias, period] }` — or an instruction — `instructionId: { instruction: [program, alias, period,
 * attempt] }` — resolved against the ledger when the event is sent. After every event, every unit must
 * reconcile to the fen.
 */
export interface LifecycleScenario {
  name: string;
  events: ScenarioEvent[];
  outcomes?: string[];
  /** `[program, alias, period, state, amount]` of every line, in ordinal order per partition. */
  lines?: [string, string | number, number, string, string][];
  /**
   * Every payment instruction, in order: `[program, alias, period, amount]`, and for a program that names
   * funders its funder lines, `{ city: "6666.67", district: "10000.00" }` (payments.md § Payment instructions).
   */
  instructions?: [string, string | number, number, string, Record<string, string>?][];
  /** Outbound messages by kind, counted. */
  messages?: Record<string, number>;
  deadLetters?: number;
}

export function loadLifecycleScenarios(dir: string) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({
      file: f,
      ...(parse(readFileSync(join(dir, f), "utf8")) as { rule: string; cases: LifecycleScenario[] }),
    }));
}

export function runLifecycle(scenario: LifecycleScenario, city: CityPolicy) {
  const outcomes: string[] = [];
  const unbalanced: string[] = [];
  const replay = new Replay(
    city,
    () => "2026-01-01T00:00:00.000Z",
    (o) => outcomes.push(outcomeOf(o)),
  );
  scenario.events.forEach((event, i) => {
    const data = resolve(event.data ?? {}, replay, city);
    const text = toLine({ ...event, data }, i, city.city);
    replay.push({ line: i + 1, text });
    unbalanced.push(...imbalances(replay, city).map((u) => `after event ${i + 1}: ${u}`));
  });
  return { outcomes, unbalanced, result: replay.result(), lines: linesOf(replay, city) };
}

function outcomeOf(o: Outcome): string {
  if (o.outcome === "rejected") return `rejected:${o.rejection.reason}`;
  if (o.outcome === "applied") return o.reason ?? "applied";
  return o.outcome;
}

function allLines(replay: Replay): LineItem[] {
  return [...replay.ledger.items.values()]
    .filter((i): i is LineItem => i.entity === "line")
    .sort((a, b) => a.key.pk.localeCompare(b.key.pk) || a.ordinal - b.ordinal);
}

function unitLines(replay: Replay, program: string, alias: string | number, period: number): LineItem[] {
  return allLines(replay).filter(
    (l) => l.program === program && l.period === period && l.beneficiary.id === beneficiaryId(alias),
  );
}

/** Placeholders naming a line or an instruction by its unit, as the ledger stands now. */
function resolve(data: Record<string, unknown>, replay: Replay, city: CityPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  const line = data.lineId as { line?: [string, string, number, number?] } | undefined;
  if (line?.line) {
    const [program, alias, period, n] = line.line;
    out.lineId =
      unitLines(replay, program, alias, period)[n ?? 0]?.lineId ?? "unknown.2000.00000000.00000000";
  }
  const instruction = data.instructionId as { instruction?: [string, string, number, number] } | undefined;
  if (instruction?.instruction) {
    const [program, alias, period, attempt] = instruction.instruction;
    const found = unitLines(replay, program, alias, period)[0];
    out.instructionId = `${found?.lineId ?? "unknown.2000.00000000.00000000"}.${attempt}`;
  }
  void city;
  return out;
}

export function linesOf(replay: Replay, city: CityPolicy): [string, string, number, string, string][] {
  const get = (key: Parameters<typeof keyId>[0]) => replay.ledger.items.get(keyId(key)) as Item | undefined;
  const today = (get(keys.clock()) as { today: string } | undefined)?.today ?? null;
  return allLines(replay).map((line) => {
    const series = (get(keys.series(line.period, line.program)) as SeriesItem | undefined) ?? null;
    const batchKey = batchKeyOf(line, series);
    const batch = batchKey ? ((get(batchKey) as BatchItem | undefined) ?? null) : null;
    const beneficiary = (get(keys.beneficiary(line.beneficiary)) as never) ?? null;
    const budgetKey = budgetKeyOf(line, city);
    const budget = budgetKey ? ((get(budgetKey) as never) ?? null) : null;
    const state = lineStatus({ line, batch, beneficiary, budget, today, rules: city.payments }).state;
    return [line.program, line.beneficiary.id, line.period, state, fenToYuan(line.amountFen)];
  });
}

/** Units whose entitlement and money sides differ, as `program period beneficiary: difference`. */
function imbalances(replay: Replay, city: CityPolicy): string[] {
  const partitions = new Set(
    [...replay.ledger.items.values()]
      .filter((i) => i.entity === "line")
      .map((i) => `${(i as LineItem).period}|${(i as LineItem).program}`),
  );
  for (const m of replay.ledger.outbox) if (m.kind !== "release") partitions.add(`${m.period}|${m.program}`);
  return [...partitions].flatMap((id) => {
    const [period, program] = id.split("|") as [string, string];
    const items = replay.ledger.partitionNow(Number(period), program);
    return reconcilePartition({ period: Number(period), program, items }, (k) => replay.ledger.get(k), city)
      .filter((u) => u.differenceFen !== 0n)
      .map((u) => `${program} ${period} ${u.beneficiary}: ${fenToYuan(u.differenceFen)}`);
  });
}
