import { z } from "zod";
import { fenToYuan, minFen } from "../../money";
import { matchesWhen, valueAt } from "../fields";
import { resolveParty } from "../parties";
import { fenNamed, programBase, trigger, yuanAmount } from "../values";
import { type Counters, counter, type ProgramKind, singlePeriod, unitKeyOf } from "./kind";

/** The fact type that sets a unit's target; one standing target per (district, year) — it replaces. */
const TARGET_TYPE = "district.target.set" as const;

/**
 * An amount per counted fact above the period's target, capped (`hte-district-bonus`, §二(二)8:
 * 50,000 × max(0, N − T), cap 500,000). No target set for the period → 0: the table pays on a target.
 * Counters: `counted` (N), `targets` (standing target facts, 0 or 1) and `target` (T).
 */
export const countAboveTargetSchema = fenNamed(
  z.strictObject({
    ...programBase,
    kind: z.literal("count-above-target"),
    trigger,
    beneficiary: z.string(),
    perCountYuan: yuanAmount,
    capYuan: yuanAmount.optional(),
  }),
);
export type CountAboveTarget = z.output<typeof countAboveTargetSchema>;

export const countAboveTarget: ProgramKind<CountAboveTarget> = {
  schema: countAboveTargetSchema,
  reactsTo: (program) => [program.trigger.type, TARGET_TYPE],
  roles: (program) => [
    { type: program.trigger.type, role: program.beneficiary },
    { type: TARGET_TYPE, role: program.beneficiary },
  ],
  contributions(program, fact, parties) {
    const counted = fact.type === program.trigger.type && matchesWhen(fact.data, program.trigger.when);
    if (!counted && fact.type !== TARGET_TYPE) return [];
    const beneficiary = resolveParty(fact.type, program.beneficiary, fact.data, parties);
    if (!beneficiary) return [];
    const counters: Counters = counted
      ? { counted: 1n }
      : { targets: 1n, target: BigInt(valueAt(fact.data, "target") as number) };
    return [{ unitKey: unitKeyOf(beneficiary, fact.period), beneficiary, period: fact.period, counters }];
  },
  entitlement(program, unit) {
    const n = counter(unit.counters, "counted");
    if (counter(unit.counters, "targets") === 0n) {
      return {
        byPeriod: singlePeriod(unit.period, 0n),
        formula: `N ${n}, no target set for the year = 0.00`,
      };
    }
    const t = counter(unit.counters, "target");
    const above = n > t ? n - t : 0n;
    const raw = program.perCountFen * above;
    const amountFen = program.capFen === undefined ? raw : minFen(raw, program.capFen);
    const cap = program.capFen === undefined ? "" : ` (cap ${fenToYuan(program.capFen)})`;
    const formula = `${fenToYuan(program.perCountFen)} × max(0, N ${n} − T ${t}) = ${fenToYuan(raw)}${cap}`;
    return { byPeriod: singlePeriod(unit.period, amountFen), formula };
  },
};
