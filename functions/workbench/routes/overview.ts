import { z } from "zod";
import type { Item } from "../../../shared/decisions/items";
import type { LineItem } from "../../../shared/decisions/lifecycle/items";
import type { PayoutMessage } from "../../../shared/decisions/payouts";
import type { Fen } from "../../../shared/money";
import type { CityPolicy } from "../../../shared/policy/city";
import { districtOf } from "../../../shared/policy/districts";
import type { RouteHandler } from "../app";
import { json, moneyOf, parsePart } from "../http";
import { pathOf, period, query } from "./params";
import { budgetRows, todayOf } from "./periods";

/** Σ of payouts and of clawbacks (bigint fen), and how many. */
class Tally {
  payoutsFen: Fen = 0n;
  clawbacksFen: Fen = 0n;
  count = 0;
  add(fen: Fen): void {
    if (fen > 0n) this.payoutsFen += fen;
    else this.clawbacksFen += fen;
    this.count++;
  }
  view() {
    return {
      payouts: moneyOf(this.payoutsFen),
      clawbacks: moneyOf(this.clawbacksFen),
      net: moneyOf(this.payoutsFen + this.clawbacksFen),
      count: this.count,
    };
  }
}

function tallyOf<K>(map: Map<K, Tally>, key: K): Tally {
  const found = map.get(key) ?? new Tally();
  map.set(key, found);
  return found;
}

const isPayout = (item: Item | PayoutMessage): item is PayoutMessage =>
  "kind" in item && (item.kind === "payout" || item.kind === "clawback");

/**
 * A payout's district and month. District: its line's, as the core recorded it; a clawback (no line) that of a line of its unit;
 * else the shared rule (shared/policy/districts.ts) on the beneficiary alone — the USCC's division code.
 */
function placesOf(items: readonly (Item | PayoutMessage)[]) {
  const byPayout = new Map<string, string | null>();
  const openedOn = new Map<string, string>();
  const byBeneficiary = new Map<string, string | null>();
  for (const item of items) {
    if (isPayout(item) || item.entity !== "line") continue;
    const line = item as LineItem;
    byPayout.set(line.payoutId, line.district);
    if (line.openedOn) openedOn.set(line.payoutId, line.openedOn);
    if (line.district) byBeneficiary.set(`${line.beneficiary.kind}#${line.beneficiary.id}`, line.district);
  }
  const district = (p: PayoutMessage) =>
    byPayout.get(p.payoutId) ??
    byBeneficiary.get(`${p.beneficiary.kind}#${p.beneficiary.id}`) ??
    districtOf(undefined, p.beneficiary);
  // The ledger's date the payout's line opened on (the clock the lifecycle runs on); without a line, the
  // China month of the instant it was computed.
  const month = (p: PayoutMessage) => openedOn.get(p.payoutId)?.slice(0, 7) ?? chinaMonth(p.computedAt);
  return { district, month };
}

/** The China month (UTC+8) of an instant: the overview's months are the bureau's. */
function chinaMonth(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 7);
}

const sorted = <K extends string | null>(map: Map<K, Tally>) =>
  [...map].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));

async function overviewOf(deps: { reader: Parameters<typeof todayOf>[0]; city: CityPolicy }, year: number) {
  const { reader, city } = deps;
  const total = new Tally();
  const byProgram = new Map<string, Tally>();
  const byDistrict = new Map<string | null, Tally>();
  const byMonth = new Map<string, Tally>();
  const programs = city.versionFor(year)?.programs ?? [];
  for (const program of programs) {
    const items = await reader.partition(year, program.id);
    const { district, month } = placesOf(items);
    for (const payout of items.filter(isPayout)) {
      const fen = BigInt(payout.amountFen);
      for (const tally of [
        total,
        tallyOf(byProgram, program.id),
        tallyOf(byDistrict, district(payout)),
        tallyOf(byMonth, month(payout)),
      ])
        tally.add(fen);
    }
  }
  return {
    period: year,
    today: await todayOf(reader),
    totals: total.view(),
    byProgram: programs
      .filter((p) => byProgram.has(p.id))
      .map((p) => ({ program: p.id, clause: p.clause, ...tallyOf(byProgram, p.id).view() })),
    byDistrict: sorted(byDistrict).map(([d, t]) => ({
      district: d,
      districtName: d ? (city.districtName(d) ?? null) : null,
      ...t.view(),
    })),
    byMonth: sorted(byMonth).map(([month, t]) => ({ month, ...t.view() })),
    budgets: await budgetRows(reader, city, year),
  };
}

const overview: RouteHandler = async ({ event, deps }) => {
  const path = parsePart("path", z.strictObject({ period }), pathOf(event));
  parsePart("query", z.strictObject({}), query(event));
  return json(200, await overviewOf(deps, path.period));
};

export const overviewRoutes: Record<string, RouteHandler> = { overview };
