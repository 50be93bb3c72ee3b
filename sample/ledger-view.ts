import { keyId, keys } from "../shared/decisions/keys";
import type { BatchItem, LineItem, SeriesItem } from "../shared/decisions/lifecycle/items";
import { batchKeyOf } from "../shared/decisions/lifecycle/view";
import type { CityPolicy } from "../shared/policy/city";
import { type SimulationResult, simulate } from "../shared/simulate/simulate";

/** When the sample is replayed: after every fact it carries, so none is dated in the future. */
export const REPLAYED_AT = "2026-12-01T00:00:00.000Z";

/**
 * The ledger a stream leaves, read the way the lifecycle facts need it: line ids and instruction ids are
 * the core's (hashes, opening days), so the generator replays what it has built and reads them back.
 */
export class LedgerView {
  readonly result: SimulationResult;

  constructor(lines: readonly string[], city: CityPolicy) {
    this.result = simulate(lines, city, () => REPLAYED_AT);
  }

  batch(batchId: string): BatchItem {
    const found = this.#entities<BatchItem>("batch").find((b) => b.batchId === batchId);
    if (!found) throw new Error(`the sample's replay has no batch ${batchId}`);
    return found;
  }

  /** The lines a closed batch holds, in the order the ledger keeps them. */
  linesOf(batchId: string): LineItem[] {
    const batch = this.batch(batchId);
    const series = (this.result.ledger.get(keys.series(batch.period, batch.program)) ??
      null) as SeriesItem | null;
    return this.#entities<LineItem>("line").filter((line) => {
      if (line.program !== batch.program || line.period !== batch.period) return false;
      const key = batchKeyOf(line, series);
      return key !== null && keyId(key) === keyId(batch.key);
    });
  }

  #entities<T extends { entity: string }>(entity: T["entity"]): T[] {
    return [...this.result.items.values()].filter((i) => i.entity === entity) as unknown as T[];
  }
}
