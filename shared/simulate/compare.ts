/**
 * A reform compared with the policy in force, on one stream: each line is parsed once and decided under both
 * policies, each in its own in-memory ledger, so the two sides differ by the policy and nothing else. The
 * money is then laid side by side per beneficiary, program and period (a row), and summed by program,
 * district and beneficiary. Pure: the caller reads the files and gives the clock (docs/compare.md).
 */
import type { AnyMessage } from "../contract";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import type { Fen } from "../money";
import type { CityPolicy } from "../policy/city";
import { districtOf } from "../policy/districts";
import type { Beneficiary } from "../policy/parties";
import { ReformMismatchError } from "./errors";
import { type StreamLine, streamOf } from "./lines";
import { Replay, type SimulationResult } from "./simulate";
import { byFunder, funderTotals, NO_FUNDERS } from "./summary";

/** One amount under the policy in force (baseline) and under the reform. */
export interface Pair {
  baselineFen: Fen;
  reformFen: Fen;
}

/** What a beneficiary is owed for one program and period, on both sides. */
export interface ComparisonRow extends Pair {
  beneficiary: Beneficiary;
  program: string;
  period: number;
  /** The division code the row is counted under (the fact's, else shared/policy/districts.ts); `""` when nothing names one. */
  district: string;
}

export interface BeneficiaryChange extends Pair {
  beneficiary: Beneficiary;
  /** The district of the beneficiary's first row. */
  district: string;
  /** Some row of the beneficiary differs (its net difference may still be zero). */
  changed: boolean;
}

export interface Comparison {
  city: string;
  cityName: string;
  /** Each program's title (its description up to the colon) and clause; the reform's where both name it. */
  programLabels: Map<string, { title: string; clause: string }>;
  /** District names by id, from the city file; a division code outside its list has none. */
  districtNames: Map<string, string>;
  rows: ComparisonRow[];
  total: Pair;
  /** By program id, sorted; a program of one side only has zero on the other. */
  programs: Map<string, Pair>;
  /** By district id, sorted; `""` last. */
  districts: Map<string, Pair>;
  /**
   * By funder id (payouts.md § Funders), sorted, the programs that name none last (`NO_FUNDERS`); empty
   * when neither side names a funder. A reform may add funders or change their shares.
   */
  funders: Map<string, Pair>;
  /** Funder names by id, from both city files; the reform's where both name one. */
  funderNames: Map<string, string>;
  /** Every beneficiary paid on either side, the largest change (by absolute difference) first. */
  beneficiaries: BeneficiaryChange[];
  winners: number;
  losers: number;
  changed: number;
  /** Rows paid nothing under the policy in force and something under the reform; `lost` the other way. */
  gained: ComparisonRow[];
  lost: ComparisonRow[];
  baseline: SimulationResult;
  reform: SimulationResult;
}

export function differenceFen(pair: Pair): Fen {
  return pair.reformFen - pair.baselineFen;
}

/** Why `reform` cannot be compared with `baseline` on one stream, or `undefined` if it can. */
export function reformMismatch(baseline: CityPolicy, reform: CityPolicy): string | undefined {
  if (reform.city !== baseline.city) return `is a policy for ${reform.city}, not ${baseline.city}`;
  const ids = (city: CityPolicy) => [...city.districtIds].sort().join(",");
  if (ids(reform) !== ids(baseline)) {
    return `lists other districts than ${baseline.city}'s: the events are read against one city's districts`;
  }
  return undefined;
}

/** The stream replayed once under both policies, then compared (see the module's comment). */
export function compare(
  lines: Iterable<string | StreamLine>,
  baseline: CityPolicy,
  reform: CityPolicy,
  clock: () => string,
): Comparison {
  const mismatch = reformMismatch(baseline, reform);
  if (mismatch) throw new ReformMismatchError(`the reform ${mismatch}`);
  // Nobody traces a what-if: no history items (MemoryLedgerOptions); the outboxes are kept for the rows.
  const sides = [
    new Replay(baseline, clock, undefined, { history: false }),
    new Replay(reform, clock, undefined, { history: false }),
  ] as const;
  const districts = new Map<string, string>();
  for (const line of streamOf(lines)) {
    // Parsed once: both ledgers decide the same message, and the contract cannot differ between them.
    const judged = sides[0].judge(line);
    if (judged.parsed?.ok) noteDistrict(districts, judged.parsed.message);
    for (const side of sides) side.take(judged);
  }
  return comparisonOf([baseline, reform], [sides[0].result(), sides[1].result()], districts);
}

const causeKey = (cause: { source: string; id: string }) => `${cause.source}\u0000${cause.id}`;

/** A fact that names its district (a certification, a target): remembered for the payouts it causes. */
function noteDistrict(districts: Map<string, string>, message: AnyMessage): void {
  const district = (message.data as { district?: unknown }).district;
  if (typeof district === "string") districts.set(causeKey(message), district);
}

/** The two results laid side by side, row by row, and summed. */
export function comparisonOf(
  cities: readonly [CityPolicy, CityPolicy],
  [baseline, reform]: readonly [SimulationResult, SimulationResult],
  districtsByCause: ReadonlyMap<string, string>,
): Comparison {
  const rows = rowsOf(baseline.messages, reform.messages, districtsByCause);
  const beneficiaries = beneficiariesOf(rows);
  const changedRow = (row: Pair) => row.baselineFen !== row.reformFen;
  return {
    city: cities[0].city,
    cityName: cities[0].file.name,
    programLabels: programLabels(cities),
    districtNames: new Map(cities[0].file.districts.map((d) => [d.id, d.name])),
    rows,
    total: sum(rows),
    programs: sumBy(rows, (row) => row.program),
    districts: sumBy(rows, (row) => row.district),
    funders: funderPairs(funderTotals(baseline.messages), funderTotals(reform.messages)),
    funderNames: funderNames(cities),
    beneficiaries,
    winners: beneficiaries.filter((b) => differenceFen(b) > 0n).length,
    losers: beneficiaries.filter((b) => differenceFen(b) < 0n).length,
    changed: beneficiaries.filter((b) => b.changed).length,
    gained: rows.filter((row) => changedRow(row) && row.baselineFen === 0n),
    lost: rows.filter((row) => changedRow(row) && row.reformFen === 0n),
    baseline,
    reform,
  };
}

function programLabels(cities: readonly CityPolicy[]) {
  const labels = new Map<string, { title: string; clause: string }>();
  for (const version of cities.flatMap((city) => city.file.policyVersions)) {
    for (const program of version.programs) {
      const title = program.description.split(/[:：]/)[0]?.trim() || program.id;
      labels.set(program.id, { title, clause: program.clause });
    }
  }
  return labels;
}

/** Each side's funder totals side by side; a funder of one side only has zero on the other. */
function funderPairs(baseline: Map<string, Fen>, reform: Map<string, Fen>): Map<string, Pair> {
  const ids = [...new Set([...baseline.keys(), ...reform.keys()])].sort(byFunder);
  if (ids.every((id) => id === NO_FUNDERS)) return new Map();
  return new Map(
    ids.map((id) => [id, { baselineFen: baseline.get(id) ?? 0n, reformFen: reform.get(id) ?? 0n }]),
  );
}

function funderNames(cities: readonly CityPolicy[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const program of cities.flatMap((city) => city.file.policyVersions.flatMap((v) => v.programs))) {
    for (const f of program.funders ?? []) names.set(f.funder, f.name);
  }
  return names;
}

type Outbox = readonly (PayoutMessage | ReleaseMessage)[];

/** Σ payouts and clawbacks per beneficiary, program and period, on each side; releases carry no amount. */
function rowsOf(baseline: Outbox, reform: Outbox, districtsByCause: ReadonlyMap<string, string>) {
  const rows = new Map<string, ComparisonRow>();
  const addFrom = (side: keyof Pair) => (message: PayoutMessage | ReleaseMessage) => {
    if (message.kind === "release") return;
    const { beneficiary, program, period } = message;
    const key = JSON.stringify([beneficiary.kind, beneficiary.id, program, period]);
    const row = rows.get(key) ?? {
      beneficiary,
      program,
      period,
      district: "",
      baselineFen: 0n,
      reformFen: 0n,
    };
    row[side] += BigInt(message.amountFen);
    // The first cause that names a district places the row: a clawback's revocation names none.
    row.district ||= districtsByCause.get(causeKey(message.cause)) ?? "";
    rows.set(key, row);
  };
  baseline.forEach(addFrom("baselineFen"));
  reform.forEach(addFrom("reformFen"));
  // Where no causing fact names one: the rule lines and the workbench use (shared/policy/districts.ts).
  for (const row of rows.values()) row.district ||= districtOf(undefined, row.beneficiary) ?? "";
  return [...rows.values()].sort(byRow);
}

const order = (a: string | number | bigint, b: string | number | bigint) => (a < b ? -1 : a > b ? 1 : 0);

function byRow(a: ComparisonRow, b: ComparisonRow): number {
  return (
    order(a.beneficiary.kind, b.beneficiary.kind) ||
    order(a.beneficiary.id, b.beneficiary.id) ||
    order(a.program, b.program) ||
    order(a.period, b.period)
  );
}

function sum(rows: readonly Pair[]): Pair {
  const total = { baselineFen: 0n, reformFen: 0n };
  for (const row of rows) add(total, row);
  return total;
}

function add(to: Pair, row: Pair): void {
  to.baselineFen += row.baselineFen;
  to.reformFen += row.reformFen;
}

/** Sums by a key, sorted by key with `""` (no district) last. */
function sumBy(rows: readonly ComparisonRow[], keyOf: (row: ComparisonRow) => string): Map<string, Pair> {
  const sums = new Map<string, Pair>();
  for (const row of rows) {
    const key = keyOf(row);
    const pair = sums.get(key) ?? { baselineFen: 0n, reformFen: 0n };
    add(pair, row);
    sums.set(key, pair);
  }
  const keys = [...sums.keys()].sort((a, b) => order(a === "" ? 1 : 0, b === "" ? 1 : 0) || order(a, b));
  return new Map(keys.map((key) => [key, sums.get(key) ?? { baselineFen: 0n, reformFen: 0n }]));
}

const magnitude = (fen: Fen) => (fen < 0n ? -fen : fen);

/** Per beneficiary: its rows summed, and whether any changed; the largest change first. */
function beneficiariesOf(rows: readonly ComparisonRow[]): BeneficiaryChange[] {
  const byParty = new Map<string, BeneficiaryChange>();
  for (const row of rows) {
    const key = `${row.beneficiary.kind}\u0000${row.beneficiary.id}`;
    const party = byParty.get(key) ?? {
      beneficiary: row.beneficiary,
      district: row.district,
      baselineFen: 0n,
      reformFen: 0n,
      changed: false,
    };
    add(party, row);
    party.changed ||= row.baselineFen !== row.reformFen;
    byParty.set(key, party);
  }
  return [...byParty.values()].sort(
    (a, b) =>
      order(magnitude(differenceFen(b)), magnitude(differenceFen(a))) ||
      order(a.beneficiary.kind, b.beneficiary.kind) ||
      order(a.beneficiary.id, b.beneficiary.id),
  );
}
