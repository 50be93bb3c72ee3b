import { type Item, MAX_ITEM_BYTES, MAX_TRANSACTION_ACTIONS } from "../decisions/items";
import type { Reconciliation } from "../decisions/lifecycle/reconcile";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import { fenToYuan } from "../money";
import type { RefusedLine } from "./lines";
import {
  type DeadLetter,
  itemsOver,
  type OversizedFact,
  type OversizedItem,
  type RejectionRecord,
} from "./records";

export interface ProgramTotals {
  payouts: number;
  clawbacks: number;
  netFen: bigint;
  held: number;
}

/** The row of the by-funder table for programs that name no funders (the city alone: payouts.md § Funders). */
export const NO_FUNDERS = "(no funders named)";

export interface Summary {
  programs: Map<string, ProgramTotals>;
  /**
   * Net fen by funder, from the messages' funder lines, sorted, with the programs that name none under
   * `NO_FUNDERS`; empty when no message carries funder lines, so a city without funders prints as before.
   */
  funders: Map<string, bigint>;
  rejections: Map<string, number>;
  deadLetters: number;
  refused: number;
  releases: number;
}

/** Totals from the output records alone, so `simulate` and the local stack summarise the same way. */
export function summarise(
  messages: readonly (PayoutMessage | ReleaseMessage)[],
  rejections: readonly RejectionRecord[],
  deadLetters: readonly DeadLetter[],
  refused: readonly RefusedLine[] = [],
): Summary {
  const tally = new Tally();
  for (const m of messages) tally.add(m);
  return tally.summary(rejections, deadLetters, refused);
}

/** The summary's totals folded one message at a time: a replay that keeps no outbox feeds it as it commits. */
export class Tally {
  readonly #programs = new Map<string, ProgramTotals>();
  readonly #funders = new Map<string, bigint>();
  #releases = 0;

  add(m: PayoutMessage | ReleaseMessage): void {
    if (m.kind === "release") {
      this.#releases++;
      return;
    }
    const totals = this.#programs.get(m.program) ?? { payouts: 0, clawbacks: 0, netFen: 0n, held: 0 };
    if (m.kind === "payout") totals.payouts++;
    else totals.clawbacks++;
    if (m.status === "awaiting-budget") totals.held++;
    totals.netFen += BigInt(m.amountFen);
    this.#programs.set(m.program, totals);
    const add = (funder: string, fen: number) =>
      this.#funders.set(funder, (this.#funders.get(funder) ?? 0n) + BigInt(fen));
    if (!m.funders) add(NO_FUNDERS, m.amountFen);
    for (const line of m.funders ?? []) add(line.funder, line.amountFen);
  }

  /**
   * Σ of the funder lines per funder, sorted by id, a message without lines counted whole under
   * `NO_FUNDERS` (last); always sums to the messages' total.
   */
  funderTotals(): Map<string, bigint> {
    return new Map([...this.#funders].sort(([a], [b]) => byFunder(a, b)));
  }

  summary(
    rejections: readonly RejectionRecord[],
    deadLetters: readonly DeadLetter[],
    refused: readonly RefusedLine[] = [],
  ): Summary {
    // Rejections are published at least once (a batch delivered again publishes them again): count each
    // rejected message once.
    const distinct = new Map(
      rejections.map((r) => [JSON.stringify([r.source, r.id, r.reason, r.detail]), r]),
    );
    const byReason = new Map<string, number>();
    for (const r of distinct.values()) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
    const funders = this.funderTotals();
    return {
      programs: new Map([...this.#programs].sort(([a], [b]) => a.localeCompare(b))),
      // The by-funder table: none when no message names a funder, so such a city prints as before.
      funders: [...funders.keys()].some((funder) => funder !== NO_FUNDERS) ? funders : new Map(),
      rejections: new Map([...byReason].sort(([a], [b]) => a.localeCompare(b))),
      deadLetters: deadLetters.length,
      refused: refused.length,
      releases: this.#releases,
    };
  }
}

/** `Tally.funderTotals` of a list of messages (releases carry no amount). */
export function funderTotals(messages: readonly (PayoutMessage | ReleaseMessage)[]): Map<string, bigint> {
  const tally = new Tally();
  for (const m of messages) tally.add(m);
  return tally.funderTotals();
}

/** Funder ids in order, the programs that name none last. */
export function byFunder(a: string, b: string): number {
  return Number(a === NO_FUNDERS) - Number(b === NO_FUNDERS) || a.localeCompare(b);
}

export function formatSummary(summary: Summary): string {
  const rows = [...summary.programs].map(([program, t]) => [
    program,
    String(t.payouts),
    String(t.clawbacks),
    fenToYuan(t.netFen),
  ]);
  const total = [...summary.programs.values()].reduce((sum, t) => sum + t.netFen, 0n);
  const lines = table(["program", "payouts", "clawbacks", "net yuan"], rows, [
    "total",
    "",
    "",
    fenToYuan(total),
  ]);
  if (summary.funders.size) lines.push("", ...funderTable(summary.funders, total));
  const rejected = [...summary.rejections].map(([reason, n]) => `${reason} ${n}`).join(", ") || "none";
  lines.push("", `rejections: ${rejected}`, `dead letters: ${summary.deadLetters}`);
  if (summary.refused) lines.push(`refused by the queue (never sent): ${summary.refused}`);
  if (summary.releases) lines.push(`releases: ${summary.releases}`);
  return lines.join("\n");
}

/** Who pays the net: each funder's lines summed; its total is the programs' total, to the fen. */
function funderTable(funders: ReadonlyMap<string, bigint>, totalFen: bigint): string[] {
  const rows = [...funders].map(([funder, fen]) => [funder, fenToYuan(fen)]);
  return table(["funder", "net yuan"], rows, ["total", fenToYuan(totalFen)]);
}

/**
 * The payment lines by state (payments.md § Reconciliation), with the units that do not balance: the table
 * `simulate` and `npm start` both print, and must print alike, to the fen.
 */
export function formatLineStates(reconciliation: Reconciliation): string {
  const rows = [...reconciliation.states].map(([state, t]) => [state, String(t.lines), fenToYuan(t.fen)]);
  const totals = [...reconciliation.states.values()].reduce(
    (sum, t) => ({ lines: sum.lines + t.lines, fen: sum.fen + t.fen }),
    { lines: 0, fen: 0n },
  );
  const lines = table(["line state", "lines", "yuan"], rows, [
    "total",
    String(totals.lines),
    fenToYuan(totals.fen),
  ]);
  lines.push("", ...formatBalance(reconciliation, totals.fen));
  const unbalanced = reconciliation.unbalanced;
  lines.push(
    `reconciliation: ${reconciliation.units.length} units, ${unbalanced.length} unbalanced` +
      unbalanced
        .slice(0, 5)
        .map((u) => `\n  ${u.program} ${u.period} ${u.beneficiary}: ${fenToYuan(u.differenceFen)}`)
        .join(""),
  );
  return lines.join("\n");
}

/**
 * The identity summed over every unit (payments.md § Reconciliation): the lines by state, plus what was
 * netted out of lines, less what was netted into receivables, what is still owed and what was recovered,
 * is the money side; the entitlement side, summed from the payout items apart, must equal it.
 */
function formatBalance(reconciliation: Reconciliation, linesFen: bigint): string[] {
  const sum = (bucket: "nettedOut" | "nettedIn" | "owed" | "recovered") =>
    reconciliation.units.reduce((total, u) => total + (u.buckets[bucket] ?? 0n), 0n);
  const terms: [string, bigint][] = [
    ["lines by state", linesFen],
    ["netted out of lines", sum("nettedOut")],
    ["netted into receivables", -sum("nettedIn")],
    ["owed (receivables)", -sum("owed")],
    ["recovered", -sum("recovered")],
  ];
  const moneyFen = terms.reduce((total, [, fen]) => total + fen, 0n);
  const entitlementFen = reconciliation.units.reduce((total, u) => total + u.entitlementFen, 0n);
  const rows = terms.map(([name, fen]) => [name, fenToYuan(fen)]);
  const footer = ["money side", fenToYuan(moneyFen)];
  const entitlement = ["entitlement", fenToYuan(entitlementFen)];
  // The entitlement under the money side, in the table's columns, so a difference shows at a glance.
  const [name, yuan] = [0, 1].map((i) =>
    Math.max(...[["balance", "yuan"], ...rows, footer, entitlement].map((r) => (r[i] ?? "").length)),
  );
  return [
    ...table(["balance", "yuan"], rows, footer),
    `${entitlement[0]?.padEnd(name ?? 0)}  ${entitlement[1]?.padStart(yuan ?? 0)}`,
  ];
}

/** A plain-text table: the first column left-aligned, the others right-aligned, rules around the rows. */
export function table(header: string[], rows: string[][], footer: string[]): string[] {
  const all = [header, ...rows, footer];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line), rule, line(footer)];
}

/**
 * The facts a stored ledger could not commit (payments.md § Transaction size), or "" when there are none:
 * simulate committed them whole, so its money is what the policy says, not what the stack would pay.
 */
export function formatOversized(oversized: readonly OversizedFact[]): string {
  if (!oversized.length) return "";
  const largest = oversized.reduce((a, b) => (b.actions > a.actions ? b : a));
  return [
    `warning: ${oversized.length} facts need more than ${MAX_TRANSACTION_ACTIONS} actions in one transaction; a stored`,
    "ledger cannot commit them (docs/contract/payments.md § Transaction size). The largest:",
    `${largest.type} ${largest.source} ${largest.id}, ${largest.actions} actions.`,
  ].join("\n");
}

/**
 * The items that hold a list growing with the lines: a batch's latches, a beneficiary's open and unpaid
 * lines, the agenda's deadlines, a receivable's history. Every other kind holds one fact's or one line's
 * data (the largest in the 297,050-fact province: a line of 1,465 bytes), and measuring all of them took
 * 12 s after that replay of 66 s.
 */
const GROWING: ReadonlySet<string> = new Set(["batch", "beneficiary", "agenda", "receivable"]);

/**
 * The standing items over DynamoDB's item limit, largest first. Batches' latches and beneficiaries'
 * unpaid lines only grow, so the end of a replay shows every one that passed it (payments.md § Item size).
 */
export function oversizedItems(items: Iterable<Item>, limit = MAX_ITEM_BYTES): OversizedItem[] {
  const growing: Item[] = [];
  for (const item of items) if (GROWING.has(item.entity)) growing.push(item);
  return itemsOver(growing, limit);
}

export function formatOversizedItems(over: readonly OversizedItem[]): string {
  const [largest] = over;
  if (!largest) return "";
  const byEntity = new Map<string, number>();
  for (const item of over) byEntity.set(item.entity, (byEntity.get(item.entity) ?? 0) + 1);
  const counts = [...byEntity].map(([entity, n]) => `${n} ${entity}`).join(", ");
  return [
    `warning: ${over.length} items (${counts}) are over DynamoDB's ${MAX_ITEM_BYTES}-byte item limit; a stored`,
    "ledger cannot write them (docs/contract/payments.md § Item size). The largest:",
    `${largest.entity} ${largest.pk} ${largest.sk}, ${largest.bytes} bytes.`,
  ].join("\n");
}

/**
 * What a stored ledger could not do with this replay, as warnings: facts over the transaction limit, then
 * items over the item limit (lists as they were written, standing items at the end). None, none.
 */
export function storageWarnings(result: {
  oversized: readonly OversizedFact[];
  oversizedLists: readonly OversizedItem[];
  items: ReadonlyMap<string, Item>;
}): string[] {
  const items = [...result.oversizedLists, ...oversizedItems(result.items.values())];
  return [
    formatOversized(result.oversized),
    formatOversizedItems(items.sort((a, b) => b.bytes - a.bytes)),
  ].filter((warning) => warning !== "");
}
