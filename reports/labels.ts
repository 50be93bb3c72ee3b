/** How the reports name districts, beneficiaries and programs (Chinese first, as the city files do), and show a difference. */
import { fenToGroupedYuan } from "../shared/money";
import { BENEFICIARY_KIND_NAMES, type BeneficiaryKind } from "../shared/policy/parties";
import type { Comparison } from "../shared/simulate/compare";
import { NO_FUNDERS } from "../shared/simulate/summary";

export const KIND_LABELS: Record<BeneficiaryKind, string> = BENEFICIARY_KIND_NAMES;

/**
 * A district by its name in the city file. A USCC's division code need not be one of the city's districts
 * (370100 is the city's own level), and a bank or carrier paid on a fact that names no district has none.
 */
export function districtLabel(c: Pick<Comparison, "districtNames">, district: string): string {
  if (district === "") return "未注明区县";
  return c.districtNames.get(district) ?? `区县名单外 ${district}`;
}

export function partyLabel(beneficiary: { kind: BeneficiaryKind; id: string; name: string }): string {
  return `${beneficiary.name} (${KIND_LABELS[beneficiary.kind]} ${beneficiary.id})`;
}

export function programLabel(c: Pick<Comparison, "programLabels">, program: string): string {
  return c.programLabels.get(program)?.title ?? program;
}

/** A funder by its name in the city files; the programs that name none are the city's alone (payouts.md § Funders). */
export function funderLabel(c: Pick<Comparison, "funderNames">, funder: string): string {
  if (funder === NO_FUNDERS) return "未列出资方的项目（市级独担）";
  return c.funderNames.get(funder) ?? funder;
}

/** A difference with its sign always shown: `+1,000.00`, `-1,500,000.00`, `0.00`. */
export function signed(fen: bigint): string {
  return `${fen > 0n ? "+" : ""}${fenToGroupedYuan(fen)}`;
}
