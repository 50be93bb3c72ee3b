import type { Fen } from "../../money";
import type { CityPolicy } from "../../policy/city";
import type { BudgetItem, Item } from "../items";
import { type ItemKey, keyId, keys } from "../keys";
import type { PayoutMessage } from "../payouts";
import type { BatchItem, BeneficiaryItem, ClockItem, LineItem, ReceivableItem, SeriesItem } from "./items";
import { type LineState, lineStatus } from "./state";
import { batchKeyOf, budgetKeyOf } from "./view";

/**
 * Reconciliation (payments.md § Reconciliation): for every unit — beneficiary, program, period — the
 * entitlement side (Σ of its payout and clawback items) against the money side (its lines by state, its
 * receivable, what was recovered and netted). Both sides come from one program-period partition, read
 * by a strongly consistent query, plus the beneficiaries, budgets and clock the line states read.
 *
 *   entitlement = Σ lines by state + netted out − owed − recovered − netted in
 */
export type Bucket = LineState | "nettedOut" | "owed" | "recovered" | "nettedIn";

export interface UnitBalance {
  program: string;
  period: number;
  beneficiary: string;
  entitlementFen: Fen;
  buckets: Partial<Record<Bucket, Fen>>;
  /** entitlement − money side: 0 when the unit balances. */
  differenceFen: Fen;
}

/** The items a partition holds, as a stored ledger returns them for `ledger#<period>#<program>`. */
export interface PartitionItems {
  period: number;
  program: string;
  items: readonly (Item | PayoutMessage)[];
}

/** What the line states read beyond the partition: by `keyId`. */
export type Lookup = (key: ItemKey) => Item | undefined;

/** The partition's units balanced; each line's state is also counted into `states` when given. */
export function reconcilePartition(
  partition: PartitionItems,
  lookup: Lookup,
  city: CityPolicy,
  states?: StateTotals,
): UnitBalance[] {
  const units = new Map<string, UnitBalance>();
  const unit = (beneficiary: { kind: string; id: string }) => {
    const id = `${beneficiary.kind}:${beneficiary.id}`;
    const found = units.get(id) ?? {
      program: partition.program,
      period: partition.period,
      beneficiary: id,
      entitlementFen: 0n,
      buckets: {},
      differenceFen: 0n,
    };
    units.set(id, found);
    return found;
  };
  const add = (u: UnitBalance, bucket: Bucket, fen: Fen) => {
    if (fen !== 0n) u.buckets[bucket] = (u.buckets[bucket] ?? 0n) + fen;
  };
  const today = (lookup(keys.clock()) as ClockItem | undefined)?.today ?? null;
  const batches = batchesOf(partition);
  for (const item of partition.items) {
    if (isPayout(item)) {
      unit(item.beneficiary).entitlementFen += BigInt(item.amountFen);
    } else if (item.entity === "line") {
      const u = unit(item.beneficiary);
      const state = stateOf(item, batches, lookup, today, city);
      add(u, state, item.amountFen);
      if (states) {
        const total = states.get(state) ?? { lines: 0, fen: 0n };
        states.set(state, { lines: total.lines + 1, fen: total.fen + item.amountFen });
      }
      add(
        u,
        "nettedOut",
        item.netted.reduce((sum, n) => sum + n.fen, 0n),
      );
    } else if (item.entity === "receivable") {
      const u = unit((item as ReceivableItem).beneficiary);
      add(u, "owed", item.owedFen);
      add(u, "recovered", item.recoveredFen);
      add(u, "nettedIn", item.nettedInFen);
    }
  }
  for (const u of units.values()) u.differenceFen = u.entitlementFen - moneySide(u.buckets);
  return [...units.values()].sort((a, b) => a.beneficiary.localeCompare(b.beneficiary));
}

const SUBTRACTED: ReadonlySet<Bucket> = new Set(["owed", "recovered", "nettedIn"]);

export function moneySide(buckets: Partial<Record<Bucket, Fen>>): Fen {
  let total = 0n;
  for (const [bucket, fen] of Object.entries(buckets) as [Bucket, Fen][]) {
    total += SUBTRACTED.has(bucket) ? -fen : fen;
  }
  return total;
}

function isPayout(item: Item | PayoutMessage): item is PayoutMessage {
  return "kind" in item && (item.kind === "payout" || item.kind === "clawback");
}

/** The partition's series and its batches by key, found once: a search per line was quadratic. */
function batchesOf(partition: PartitionItems): { series: SeriesItem | null; byKey: Map<string, BatchItem> } {
  let series: SeriesItem | null = null;
  const byKey = new Map<string, BatchItem>();
  for (const item of partition.items) {
    if (!("entity" in item)) continue;
    if (item.entity === "series") series ??= item;
    else if (item.entity === "batch") byKey.set(keyId(item.key), item);
  }
  return { series, byKey };
}

function stateOf(
  line: LineItem,
  batches: ReturnType<typeof batchesOf>,
  lookup: Lookup,
  today: string | null,
  city: CityPolicy,
) {
  const batchKey = batchKeyOf(line, batches.series);
  const batch = batchKey ? (batches.byKey.get(keyId(batchKey)) ?? null) : null;
  const beneficiary = (lookup(keys.beneficiary(line.beneficiary)) as BeneficiaryItem | undefined) ?? null;
  const budgetKey = budgetKeyOf(line, city);
  const budget = budgetKey ? ((lookup(budgetKey) as BudgetItem | undefined) ?? null) : null;
  return lineStatus({ line, batch, beneficiary, budget, today, rules: city.payments }).state;
}

/** Every program-period partition the city's policy can have: its programs × the years in force. */
export function partitionsOf(city: CityPolicy): { period: number; program: string }[] {
  return city.file.policyVersions.flatMap((version) => {
    const from = Number(version.inForce.from.slice(0, 4));
    const to = Number(version.inForce.to.slice(0, 4));
    return version.programs.flatMap((program) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({ period: from + i, program: program.id })),
    );
  });
}

/** The keys line states read outside their partition: beneficiaries, budgets, the clock. */
export function lookupKeys(partition: PartitionItems, city: CityPolicy): ItemKey[] {
  const wanted = new Map<string, ItemKey>([[keyId(keys.clock()), keys.clock()]]);
  for (const item of partition.items) {
    if (!("entity" in item) || item.entity !== "line") continue;
    const b = keys.beneficiary(item.beneficiary);
    wanted.set(keyId(b), b);
    const budget = budgetKeyOf(item, city);
    if (budget) wanted.set(keyId(budget), budget);
  }
  return [...wanted.values()];
}

/** What reconciliation reads a stored ledger through: a partition's items, and items by key. */
export interface ReconcileSource {
  partition(period: number, program: string): Promise<(Item | PayoutMessage)[]>;
  readItems(keys: readonly ItemKey[]): Promise<Map<string, Item>>;
}

/** Lines by state: how many, and how much (payments.md § Reconciliation: "per state"). */
export type StateTotals = Map<LineState, { lines: number; fen: Fen }>;

export interface Reconciliation {
  units: UnitBalance[];
  /** Units whose entitlement and money sides differ: none, on a ledger that is right. */
  unbalanced: UnitBalance[];
  states: StateTotals;
}

/** Every partition of the city, read and balanced; the same report from memory and from DynamoDB. */
export async function reconcileLedger(source: ReconcileSource, city: CityPolicy): Promise<Reconciliation> {
  const units: UnitBalance[] = [];
  const states: StateTotals = new Map();
  for (const { period, program } of partitionsOf(city)) {
    const partition = { period, program, items: await source.partition(period, program) };
    if (!partition.items.length) continue;
    const found = await source.readItems(lookupKeys(partition, city));
    const lookup: Lookup = (key) => found.get(keyId(key));
    // Not push(...): a province's partition has more units than a call takes arguments (~120,000).
    for (const unit of reconcilePartition(partition, lookup, city, states)) units.push(unit);
  }
  const sorted: StateTotals = new Map([...states].sort(([a], [b]) => a.localeCompare(b)));
  return { units, unbalanced: units.filter((u) => u.differenceFen !== 0n), states: sorted };
}
