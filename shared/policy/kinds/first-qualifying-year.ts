import { z } from "zod";
import { fenToYuan } from "../../money";
import { matchesWhen } from "../fields";
import { resolveParty } from "../parties";
import { fenNamed, programBase, trigger, yuanAmount } from "../values";
import type { ProgramKind } from "./kind";
import { unitKeyOf } from "./kind";

/**
 * One award per beneficiary under a policy version, paid in the earliest year whose standing fact
 * qualifies (`carrier-municipal-excellent`, §二(一)1: 500,000 once, in the first excellent year).
 * A year outside the version's window belongs to no unit of it, so it neither pays nor uses the award up.
 * Counters: standing qualifying facts per year (`year:<y>`); a re-rating moves the award by itself.
 */
export const firstQualifyingYearSchema = fenNamed(
  z.strictObject({
    ...programBase,
    kind: z.literal("first-qualifying-year"),
    trigger,
    beneficiary: z.string(),
    amountYuan: yuanAmount,
  }),
);
export type FirstQualifyingYear = z.output<typeof firstQualifyingYearSchema>;

export const firstQualifyingYear: ProgramKind<FirstQualifyingYear> = {
  schema: firstQualifyingYearSchema,
  reactsTo: (program) => [program.trigger.type],
  roles: (program) => [{ type: program.trigger.type, role: program.beneficiary }],
  contributions(program, fact, parties) {
    if (fact.type !== program.trigger.type || !matchesWhen(fact.data, program.trigger.when)) return [];
    const beneficiary = resolveParty(fact.type, program.beneficiary, fact.data, parties);
    if (!beneficiary) return [];
    return [
      {
        unitKey: unitKeyOf(beneficiary),
        beneficiary,
        period: null,
        counters: { [`year:${fact.period}`]: 1n },
      },
    ];
  },
  entitlement(program, unit) {
    const years = Object.entries(unit.counters)
      .filter(([name, count]) => name.startsWith("year:") && count > 0n)
      .map(([name]) => Number(name.slice(5)))
      .sort((a, b) => a - b);
    const first = years[0];
    if (first === undefined) return { byPeriod: new Map(), formula: "no qualifying year = 0.00" };
    const formula = `once, in the earliest qualifying year ${first} (of ${years.join(", ")}): ${fenToYuan(program.amountFen)}`;
    return { byPeriod: new Map([[first, program.amountFen]]), formula };
  },
};
