import { z } from "zod";
import { fenToYuan, floorDiv } from "../../money";
import { fenAt, valueAt } from "../fields";
import { resolveParty } from "../parties";
import { basisPoints, fenNamed, programBase } from "../values";
import { type Counters, counter, type ProgramKind, percent, singlePeriod, unitKeyOf } from "./kind";

/**
 * A share of a filed loan's net default paid to its bank (`loan-risk-compensation`, §二(一)4:
 * 35% × (non-performing − recovered)). Unit: the loan; its period is the year of the filing, which
 * also picks the policy version. The standing default and recovery replace, so the counters hold
 * exactly the current cumulative figures.
 */
export const riskShareSchema = fenNamed(
  z.strictObject({
    ...programBase,
    kind: z.literal("risk-share"),
    /** The party of the filing that is compensated. */
    beneficiary: z.string(),
    rateBasisPoints: basisPoints,
  }),
);
export type RiskShare = z.output<typeof riskShareSchema>;

export const riskShare: ProgramKind<RiskShare> = {
  schema: riskShareSchema,
  reactsTo: () => ["loan.defaulted", "loan.recovered"],
  roles: (program) => [{ type: "loan.filed", role: program.beneficiary }],
  contributions(program, fact, parties) {
    if (fact.type !== "loan.defaulted" && fact.type !== "loan.recovered") return [];
    const beneficiary =
      fact.filing === undefined
        ? undefined
        : resolveParty("loan.filed", program.beneficiary, fact.filing, parties);
    if (!beneficiary) return [];
    const counters: Counters =
      fact.type === "loan.defaulted"
        ? { nonPerformingFen: fenAt(fact.data, "nonPerformingPrincipal") ?? 0n }
        : { recoveredFen: fenAt(fact.data, "recovered") ?? 0n };
    const loanId = String(valueAt(fact.data, "loanId"));
    const unitKey = unitKeyOf(beneficiary, fact.period, `loan:${loanId}`);
    return [{ unitKey, beneficiary, period: fact.period, counters, label: `loan ${loanId}` }];
  },
  entitlement(program, unit) {
    const nonPerforming = counter(unit.counters, "nonPerformingFen");
    const recovered = counter(unit.counters, "recoveredFen");
    const amountFen = floorDiv((nonPerforming - recovered) * BigInt(program.rateBasisPoints), 10_000n);
    const formula =
      `${percent(program.rateBasisPoints)} × (non-performing ${fenToYuan(nonPerforming)} − ` +
      `recovered ${fenToYuan(recovered)}) = ${fenToYuan(amountFen)}`;
    return { byPeriod: singlePeriod(unit.period, amountFen), formula };
  },
};
