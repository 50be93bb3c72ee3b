import { valueAt } from "./fields";
import type { Beneficiary } from "./parties";

/**
 * The district a payment belongs to, by one rule for lines, the workbench and reform reports: the fact's
 * `district` where it has one; a district beneficiary's own id; otherwise, for an enterprise, the
 * division code in its USCC (characters 3–8). That code is the registering authority's division — an
 * enterprise that moved keeps the old one, and a functional zone (济南高新区) registers under the district
 * it lies in — so it is reliable for where an enterprise was registered, not where it operates.
 * Organisations (carriers, banks, institutions, teams) have no division code: `null`.
 */
export function districtOf(data: unknown, beneficiary: Pick<Beneficiary, "kind" | "id">): string | null {
  const district = valueAt(data, "district");
  if (typeof district === "string") return district;
  if (beneficiary.kind === "district") return beneficiary.id;
  if (beneficiary.kind === "enterprise" && /^[0-9A-Z]{2}[0-9]{6}/.test(beneficiary.id))
    return beneficiary.id.slice(2, 8);
  return null;
}
