/**
 * The comparison as `npm run compare` prints it: by program, by district, the beneficiaries who change and
 * the rows that gain or lose eligibility, yuan to the fen. Names go at the ends of lines: a terminal gives a
 * Chinese character two columns, which padding by string length cannot know.
 */
import { fenToGroupedYuan } from "../shared/money";
import { type Comparison, type ComparisonRow, differenceFen, type Pair } from "../shared/simulate/compare";
import { table } from "../shared/simulate/summary";
import { districtLabel, funderLabel, partyLabel, signed } from "./labels";

/** How many of the largest changes and of the eligibility rows the terminal lists. */
const LISTED = 10;

const amounts = (pair: Pair) => [
  fenToGroupedYuan(pair.baselineFen),
  fenToGroupedYuan(pair.reformFen),
  fenToGroupedYuan(differenceFen(pair)),
];

const HEADER = ["baseline yuan", "reform yuan", "difference yuan"];

export function formatComparison(comparison: Comparison): string {
  return [
    ...programTable(comparison),
    "",
    ...districtTable(comparison),
    "",
    ...funderTable(comparison),
    ...beneficiaryLines(comparison),
    "",
    ...eligibilityLines(comparison),
  ].join("\n");
}

function programTable(c: Comparison): string[] {
  const rows = [...c.programs].map(([program, pair]) => [program, ...amounts(pair)]);
  return table(["program", ...HEADER], rows, ["total", ...amounts(c.total)]);
}

function districtTable(c: Comparison): string[] {
  const districts = [...c.districts];
  const rows = districts.map(([district, pair]) => [district || "-", ...amounts(pair)]);
  const lines = table(["district", ...HEADER], rows, ["total", ...amounts(c.total)]);
  // The header and its rule come first: row i is line i + 2.
  for (const [i, [district]] of districts.entries()) {
    lines[i + 2] += `  ${districtLabel(c, district)}`;
  }
  return lines;
}

/** Who pays the difference (payouts.md § Funders); nothing when neither policy names a funder. */
function funderTable(c: Comparison): string[] {
  if (!c.funders.size) return [];
  const funders = [...c.funders];
  const rows = funders.map(([funder, pair]) => [funder, ...amounts(pair)]);
  const lines = table(["funder", ...HEADER], rows, ["total", ...amounts(c.total)]);
  for (const [i, [funder]] of funders.entries()) lines[i + 2] += `  ${funderLabel(c, funder)}`;
  return [...lines, ""];
}

function beneficiaryLines(c: Comparison): string[] {
  const mixed = c.changed - c.winners - c.losers;
  const largest = c.beneficiaries.filter((b) => b.changed).slice(0, LISTED);
  return [
    `beneficiaries: ${c.beneficiaries.length} paid under either policy, ${c.changed} changed: ` +
      `${c.winners} gain, ${c.losers} lose${mixed ? `, ${mixed} net unchanged` : ""}`,
    ...(largest.length ? [`largest changes (of ${c.changed}):`] : []),
    ...largest.map(
      (b) =>
        `  ${fenToGroupedYuan(b.baselineFen)} → ${fenToGroupedYuan(b.reformFen)} ` +
        `(${signed(differenceFen(b))})  ${partyLabel(b.beneficiary)}`,
    ),
  ];
}

function eligibilityLines(c: Comparison): string[] {
  const row = (sign: string, r: ComparisonRow) =>
    `  ${sign} ${r.program} ${r.period}: ${fenToGroupedYuan(r.baselineFen)} → ` +
    `${fenToGroupedYuan(r.reformFen)}  ${partyLabel(r.beneficiary)}`;
  return [
    `eligibility (beneficiary, program, period): ${c.gained.length} gain, ${c.lost.length} lose`,
    ...c.gained.slice(0, LISTED).map((r) => row("+", r)),
    ...c.lost.slice(0, LISTED).map((r) => row("-", r)),
  ];
}
