import type { Fen } from "../money";
import type { Program } from "./kinds";

/**
 * A program's budget for a period as the city file allocates it (payments.md § Budget): one amount for
 * the program, or one per funder of a program with funders. Absent: the period is not budgeted.
 */
export interface PeriodBudget {
  /** The program's allocation: by funder, the sum of the funders'. */
  allocatedFen: Fen;
  /** One budget per funder, in the order of the program's funders; absent, one budget for all of them. */
  byFunder?: { funder: string; allocatedFen: Fen }[];
}

export function periodBudget(program: Program, period: number | string): PeriodBudget | undefined {
  const written = program.budgetsFen?.[String(period)];
  if (written === undefined) return undefined;
  if (typeof written === "bigint") return { allocatedFen: written };
  const byFunder = (program.funders ?? []).map(({ funder }) => ({
    funder,
    allocatedFen: written[funder] ?? 0n,
  }));
  return { allocatedFen: byFunder.reduce((sum, f) => sum + f.allocatedFen, 0n), byFunder };
}

/** Whether allocations for the period name a funder: its budget in the city file is one per funder. */
export function budgetsByFunder(program: Program, period: number | string): boolean {
  return periodBudget(program, period)?.byFunder !== undefined;
}

/**
 * A budget by funder names each funder of the program once, and only them; a program without funders
 * has one budget (`where`: the program, as problems name it).
 */
export function budgetProblems(program: Program, where: string): string[] {
  const problems: string[] = [];
  const funders = (program.funders ?? []).map((f) => f.funder);
  for (const [year, written] of Object.entries(program.budgetsFen ?? {})) {
    if (typeof written === "bigint") continue;
    const at = `${where}.budgetsYuan.${year}`;
    if (!funders.length) {
      problems.push(`${at}: a budget by funder needs the program's funders; give one amount`);
      continue;
    }
    for (const named of Object.keys(written))
      if (!funders.includes(named))
        problems.push(`${at}.${named}: not a funder of the program (its funders: ${funders.join(", ")})`);
    for (const funder of funders)
      if (written[funder] === undefined)
        problems.push(`${at}: no budget for funder ${funder} (a budget by funder names every funder)`);
  }
  return problems;
}
