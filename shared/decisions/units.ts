import type { FactType } from "../contract";
import type { Fen } from "../money";
import type { CityPolicy, PolicyVersion } from "../policy/city";
import { type Contribution, kindOf, type Program } from "../policy/kinds";
import { rulesFor } from "./catalogue";
import { periodOf, policyDateOf } from "./dates";
import type { Snapshot, UnitItem } from "./items";
import { type ItemKey, keyId, keys } from "./keys";
import { loaded } from "./snapshot";

/** How a fact moves the units it feeds: every contribution it makes, signed, summed per unit. */

export interface StandingChange {
  type: FactType;
  data: unknown;
  /** +1 when the fact starts to stand, −1 when it stops (revoked, cancelled, replaced). */
  sign: bigint;
}
export interface DatedChange extends StandingChange {
  version: PolicyVersion | undefined;
  period: number;
  /** The data of the fact that dates this one (a loan's filing), which its programs may read too. */
  filing: unknown;
}

/** A fact that dates another, by its type and standing data. */
export interface Dating {
  type: FactType;
  data: unknown;
}

export function dateChange(
  change: StandingChange,
  dating: Dating | undefined,
  city: CityPolicy,
): DatedChange {
  const date = dating ? policyDateOf(dating.type, dating.data) : policyDateOf(change.type, change.data);
  if (date === undefined) throw new Error(`no policy date for ${change.type}`);
  return { ...change, version: city.versionFor(date), period: periodOf(date), filing: dating?.data };
}

export interface UnitChange {
  key: ItemKey;
  program: Program;
  version: PolicyVersion;
  contribution: Contribution;
  deltas: Map<string, bigint>;
}

/** Every unit the changes touch (by `keyId`), with the signed sum of what they add to its counters. */
export function collectUnitChanges(
  changes: readonly DatedChange[],
  city: CityPolicy,
): Map<string, UnitChange> {
  const units = new Map<string, UnitChange>();
  for (const change of changes) {
    if (!change.version) continue;
    const view = {
      type: change.type,
      data: { ...(change.data as object), ...rulesFor(change.type).derived?.(change.data as never) },
      period: change.period,
      filing: change.filing,
    };
    for (const program of city.programsReading(change.version, change.type)) {
      for (const contribution of kindOf(program).contributions(program, view, city)) {
        const key = keys.unit(change.version.id, program.id, contribution.unitKey);
        const unit = units.get(keyId(key)) ?? {
          key,
          program,
          version: change.version,
          contribution,
          deltas: new Map(),
        };
        for (const [name, value] of Object.entries(contribution.counters)) {
          unit.deltas.set(name, (unit.deltas.get(name) ?? 0n) + change.sign * value);
        }
        units.set(keyId(key), unit);
      }
    }
  }
  return units;
}

export interface Recomputed {
  program: Program;
  before: UnitItem | null;
  next: UnitItem;
  changed: boolean;
  formula: string;
  /** Per period: the new entitlement and what was paid before. */
  periods: { period: number; entitledFen: Fen; paidFen: Fen }[];
}

export function recompute(changes: Map<string, UnitChange>, snapshot: Snapshot): Recomputed[] {
  return [...changes.values()].map((change) => {
    const { key } = change;
    const before = loaded(snapshot, key, "unit");
    const counters = { ...(before?.counters ?? {}) };
    let changed = false;
    for (const [name, delta] of change.deltas) {
      if (delta === 0n) continue;
      changed = true;
      const value = (counters[name] ?? 0n) + delta;
      if (value === 0n) delete counters[name];
      else counters[name] = value;
    }
    const { contribution, program } = change;
    const unit = {
      beneficiary: before?.beneficiary ?? contribution.beneficiary,
      period: contribution.period,
      counters,
      ...(contribution.capFen !== undefined ? { capFen: contribution.capFen } : {}),
    };
    const entitlement = kindOf(program).entitlement(program, unit);
    const paid = before?.paidFen ?? {};
    const periodSet = new Set([...entitlement.byPeriod.keys(), ...Object.keys(paid).map(Number)]);
    const periods = [...periodSet]
      .sort((a, b) => a - b)
      .map((period) => ({
        period,
        entitledFen: entitlement.byPeriod.get(period) ?? 0n,
        paidFen: paid[period] ?? 0n,
      }));
    const paidFen: Record<string, Fen> = {};
    for (const p of periods) if (p.entitledFen !== 0n) paidFen[p.period] = p.entitledFen;
    const next: UnitItem = {
      entity: "unit",
      key,
      programId: program.id,
      policyVersion: change.version.id,
      unitKey: contribution.unitKey,
      ...unit,
      ...(contribution.label ? { label: contribution.label } : {}),
      paidFen,
      version: (before?.version ?? 0) + 1,
    };
    return { program, before, next, changed, formula: entitlement.formula, periods };
  });
}
