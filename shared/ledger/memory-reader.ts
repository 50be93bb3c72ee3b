import type { Item } from "../decisions/items";
import {
  beneficiaryKey,
  type ItemCollection,
  type ItemKey,
  LEDGER_TABLE,
  payoutIndexKeys,
  periodStatusKey,
} from "../decisions/keys";
import type { PayoutMessage } from "../decisions/payouts";
import type { Beneficiary } from "../policy/parties";
import type { MemoryLedger } from "../simulate/memory-ledger";
import type { LedgerReader, Page, PageRequest, StoredKey } from "./reader";

/**
 * The workbench's read port over simulate's in-memory ledger: the same queries, keys and pages as
 * DynamoLedgerReader (index order by the index's sort key), so the API runs on a replayed stream too.
 */
export class MemoryLedgerReader implements LedgerReader {
  constructor(private readonly ledger: MemoryLedger) {}

  async query(collection: ItemCollection): Promise<Item[]> {
    return this.ledger.query(collection);
  }
  partition(period: number, program: string) {
    return this.ledger.partition(period, program);
  }
  readItems(keys: readonly ItemKey[]) {
    return this.ledger.readItems(keys);
  }

  async queryPage(collection: ItemCollection, page: PageRequest): Promise<Page<Item>> {
    const { partitionKey: pk, sortKey: sk } = LEDGER_TABLE;
    const rows = this.ledger
      .query(collection)
      .map((item) => ({ item, key: { [pk]: item.key.pk, [sk]: item.key.sk } }));
    return pageOf(rows, (row) => row.key[sk] ?? "", sk, page);
  }

  async payoutsByStatus(
    q: { period: number; status: string; program?: string | undefined },
    page: PageRequest,
  ): Promise<Page<PayoutMessage>> {
    const index = LEDGER_TABLE.indexes.byPeriodStatus;
    const partition = periodStatusKey(q.period, q.status);
    return this.indexPage(index, partition, q.program ? `${q.program}#` : "", page);
  }

  async payoutsOf(
    q: { beneficiary: Pick<Beneficiary, "kind" | "id">; period?: number | undefined },
    page: PageRequest,
  ): Promise<Page<PayoutMessage>> {
    const index = LEDGER_TABLE.indexes.byBeneficiary;
    const prefix = q.period === undefined ? "" : `${q.period}#`;
    return this.indexPage(index, beneficiaryKey(q.beneficiary), prefix, page);
  }

  private indexPage(index: { pk: string; sk: string }, partition: string, prefix: string, page: PageRequest) {
    const rows = this.ledger.outbox
      .filter((m): m is PayoutMessage => m.kind !== "release")
      .map((item) => ({ item, key: payoutIndexKeys(item) }))
      .filter((row) => row.key[index.pk] === partition && (row.key[index.sk] ?? "").startsWith(prefix));
    return pageOf(rows, (row) => row.key[index.sk] ?? "", index.sk, page);
  }
}

/** Rows in sort-key order from after the page's start key; the last key read when more remain. */
function pageOf<T>(
  rows: { item: T; key: StoredKey }[],
  sortKey: (row: { key: StoredKey }) => string,
  sortAttribute: string,
  page: PageRequest,
): Page<T> {
  const sorted = [...rows].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const after = page.after?.[sortAttribute];
  const rest = after === undefined ? sorted : sorted.filter((row) => sortKey(row) > after);
  const taken = rest.slice(0, page.limit);
  const last = taken.at(-1);
  return { items: taken.map((r) => r.item), next: rest.length > page.limit && last ? last.key : undefined };
}
