import { keyId, keys } from "../shared/decisions/keys";
import type { BatchItem, LineItem, ReceivableItem, SeriesItem } from "../shared/decisions/lifecycle/items";
import { batchKeyOf } from "../shared/decisions/lifecycle/view";
import type { CityPolicy } from "../shared/policy/city";
import { type SimulationResult, simulate } from "../shared/simulate/simulate";
import { chinaDateOf } from "./calendar";

/** A unit: a beneficiary's program and period. */
export interface Unit {
  readonly program: string;
  readonly period: number;
  readonly beneficiary: { readonly id: string };
}

/** A line that lapsed unpaid, the notice it was sent, and the clawback that later reduced it whole. */
export interface LapsedClawback {
  readonly line: LineItem;
  readonly notice: { readonly sentOn: string; readonly deadline: string };
  readonly clawbackPayoutId: string;
  /** When the clawback's fact was published. */
  readonly clawedAt: number;
}

/** When the sample is replayed: after every fact it carries, so none is dated in the future. */
export const REPLAYED_AT = "2026-12-01T00:00:00.000Z";

/**
 * The ledger a stream leaves, read the way the lifecycle facts need it: line ids and instruction ids are
 * the core's (hashes, opening days), so the generator replays what it has built and reads them back.
 */
export class LedgerView {
  readonly result: SimulationResult;

  readonly #lines: readonly string[];

  constructor(lines: readonly string[], city: CityPolicy) {
    this.#lines = lines;
    this.result = simulate(lines, city, () => REPLAYED_AT);
  }

  batch(batchId: string): BatchItem {
    const found = this.#entities<BatchItem>("batch").find((b) => b.batchId === batchId);
    if (!found) throw new Error(`the sample's replay has no batch ${batchId}`);
    return found;
  }

  /** The lines a closed batch holds, in the order the ledger keeps them. */
  linesOf(batchId: string): LineItem[] {
    const { program, period } = this.batch(batchId);
    return this.#entities<LineItem>("line").filter(
      (line) => line.program === program && line.period === period && this.batchOf(line)?.batchId === batchId,
    );
  }

  /** The closed batch a line is in; `null` while its batch is open. */
  batchOf(line: LineItem): BatchItem | null {
    const series = (this.result.ledger.get(keys.series(line.period, line.program)) ??
      null) as SeriesItem | null;
    const key = batchKeyOf(line, series);
    return (key && this.#entities<BatchItem>("batch").find((b) => keyId(b.key) === keyId(key))) || null;
  }

  /** When the fact behind the clawback `payoutId` was published (its envelope's `time`). */
  clawbackTime(payoutId: string): number {
    const clawback = this.result.messages.find((m) => m.kind === "clawback" && m.payoutId === payoutId);
    if (!clawback || clawback.kind === "release") throw new Error(`no clawback ${payoutId} in the replay`);
    const { source, id } = clawback.cause;
    for (const text of this.#lines) {
      if (!text.includes(`"${id}"`)) continue;
      const envelope = JSON.parse(text) as { source?: string; id?: string; time?: string };
      if (envelope.source === source && envelope.id === id && envelope.time) return Date.parse(envelope.time);
    }
    throw new Error(`no fact (${source}, ${id}) in the stream`);
  }

  /**
   * Lines that lapsed unpaid and were then clawed back whole by one later fact, each its unit's only line:
   * had the payee confirmed in time, the money would have left before the clawback (payments.md
   * § Receivables), so the clawback would owe it.
   */
  lapsedThenClawedBack(): LapsedClawback[] {
    return this.#entities<LineItem>("line").flatMap((line) => {
      const [reduction, ...more] = line.reductions;
      if (!reduction || more.length || reduction.fen !== line.originalFen) return [];
      if (this.unitLines(line).length !== 1) return [];
      const batch = this.batchOf(line);
      const notice = batch?.notices[line.hash];
      if (!batch?.lapsed[line.hash] || !notice) return [];
      const clawedAt = this.clawbackTime(reduction.byPayoutId);
      if (chinaDateOf(clawedAt) <= notice.deadline) return [];
      return [{ line, notice, clawbackPayoutId: reduction.byPayoutId, clawedAt }];
    });
  }

  /** Whether the payout that opened `line` came after the clawback `payoutId` in the entitlement feed. */
  openedAfter(line: LineItem, payoutId: string): boolean {
    const order = this.result.messages.map((m) => (m.kind === "release" ? "" : m.payoutId));
    const clawback = order.indexOf(payoutId);
    return clawback >= 0 && order.indexOf(line.payoutId) > clawback;
  }

  /** Every line of a beneficiary. */
  linesFor(beneficiaryId: string): LineItem[] {
    return this.#entities<LineItem>("line").filter((line) => line.beneficiary.id === beneficiaryId);
  }

  /** What beneficiaries owe, each unit's receivable as the ledger keeps it. */
  receivables(): ReceivableItem[] {
    return this.#entities<ReceivableItem>("receivable");
  }

  /** The unit's lines (program, beneficiary, period), in every state. */
  unitLines(unit: Unit): LineItem[] {
    return this.#entities<LineItem>("line").filter(
      (line) =>
        line.program === unit.program &&
        line.period === unit.period &&
        line.beneficiary.id === unit.beneficiary.id,
    );
  }

  #entities<T extends { entity: string }>(entity: T["entity"]): T[] {
    return [...this.result.items.values()].filter((i) => i.entity === entity) as unknown as T[];
  }
}
