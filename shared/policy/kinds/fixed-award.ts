import { z } from "zod";
import { fenToYuan } from "../../money";
import { matchesWhen, select } from "../fields";
import { resolveParty } from "../parties";
import { fenNamed, programBase, selectable, trigger, yuanAmount } from "../values";
import { type ProgramKind, singlePeriod, unitKeyOf } from "./kind";

/**
 * A fixed amount per standing fact, chosen by a field of the fact where the table says so
 * (`hte-first-award`: scale above 300,000 / below 200,000). Unit: beneficiary and period.
 * Counters: how many standing facts at each amount (`n@<fen>`), so the sum is checkable by hand.
 */
export const fixedAwardSchema = fenNamed(
  z.strictObject({
    ...programBase,
    kind: z.literal("fixed-award"),
    trigger,
    beneficiary: z.string(),
    amountYuan: selectable(yuanAmount),
  }),
);
export type FixedAward = z.output<typeof fixedAwardSchema>;

export const fixedAward: ProgramKind<FixedAward> = {
  schema: fixedAwardSchema,
  reactsTo: (program) => [program.trigger.type],
  roles: (program) => [{ type: program.trigger.type, role: program.beneficiary }],
  contributions(program, fact, parties) {
    if (fact.type !== program.trigger.type || !matchesWhen(fact.data, program.trigger.when)) return [];
    const beneficiary = resolveParty(fact.type, program.beneficiary, fact.data, parties);
    const amount = select(fact.data, program.amountFen);
    if (!beneficiary || amount === undefined) return [];
    return [
      {
        unitKey: unitKeyOf(beneficiary, fact.period),
        beneficiary,
        period: fact.period,
        counters: { [`n@${amount.value}`]: 1n },
      },
    ];
  },
  entitlement(_program, unit) {
    let total = 0n;
    const terms: string[] = [];
    for (const [name, count] of Object.entries(unit.counters).sort()) {
      if (!name.startsWith("n@") || count === 0n) continue;
      const amountFen = BigInt(name.slice(2));
      total += count * amountFen;
      terms.push(`${count} × ${fenToYuan(amountFen)}`);
    }
    const formula = terms.length
      ? `fixed award per standing fact: ${terms.join(" + ")} = ${fenToYuan(total)}`
      : "fixed award: no standing fact = 0.00";
    return { byPeriod: singlePeriod(unit.period, total), formula };
  },
};
