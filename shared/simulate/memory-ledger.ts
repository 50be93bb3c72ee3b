import type { AnyMessage } from "../contract";
import type { Decision, Item, VersionedItem, VersionedPut, Writes } from "../decisions/items";
import {
  collections,
  type ItemCollection,
  type ItemKey,
  inCollection,
  keyId,
  keys,
  ledgerPartition,
} from "../decisions/keys";
import type { ApplyResult, Ledger } from "../decisions/ledger";
import type { OutboxItem } from "../decisions/lifecycle/messages";
import type { ReconcileSource } from "../decisions/lifecycle/reconcile";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import { decideOver } from "../decisions/run";
import { isCollection, needId } from "../decisions/snapshot";
import type { TraceSource } from "../decisions/trace";
import type { CityPolicy } from "../policy/city";
import type { BeneficiaryKind } from "../policy/parties";

/** Entities whose partition holds only them (keys.ts): no collection query reads them. */
const ALONE_IN_PARTITION: ReadonlySet<Item["entity"]> = new Set([
  "receipt",
  "fact",
  "unit",
  "budget",
  "beneficiary",
  "clock",
  "agenda",
]);

export type OutboundMessage = PayoutMessage | ReleaseMessage;

export interface MemoryLedgerOptions {
  /** Per-beneficiary history items, which only the trace reads (workbench.md § Trace). Default true. */
  history?: boolean;
  /**
   * Where payouts and releases go as they commit. Given, the ledger keeps none of them (`outbox` stays
   * empty) nor the lifecycle's outbox items, and keeps its payout items as one running sum per partition
   * and beneficiary, which is all reconciliation reads: a replay's memory is then the standing state.
   */
  onMessage?: (message: OutboundMessage) => void;
}

/** What reconciliation reads of a partition's payout items: the beneficiary and the amount. */
type PayoutSum = Pick<PayoutMessage, "kind" | "beneficiary" | "amountFen">;

/**
 * The ledger in memory: the same decisions as the DynamoDB ledger, committed to maps. It is what
 * `simulate` replays a stream through, and the reference the stored ledger is tested against.
 */
export class MemoryLedger implements Ledger, ReconcileSource, TraceSource {
  /** Every item, by `keyId`. */
  readonly items = new Map<string, Item>();
  /** The same items by partition, then sort key: what a collection query reads. */
  private readonly partitions = new Map<string, Map<string, Item>>();
  /** The outbox: every payout and release, in commit order. */
  readonly outbox: (PayoutMessage | ReleaseMessage)[] = [];
  /** The lifecycle's outbox items, in commit order. */
  readonly lifecycleOutbox: OutboxItem[] = [];
  /** Payout items by partition: what reconciliation reads as the entitlement side. */
  private readonly payouts = new Map<string, PayoutMessage[]>();
  /** With `onMessage`: Σ payout items by partition, then beneficiary, instead of `payouts`. */
  private readonly payoutSums = new Map<string, Map<string, PayoutSum>>();

  constructor(
    readonly city: CityPolicy,
    private readonly options: MemoryLedgerOptions = {},
  ) {}

  async apply(message: AnyMessage, now: () => string): Promise<ApplyResult> {
    return { decision: this.applyNow(message, now()), attempts: 1 };
  }

  /** `apply`, synchronously: what `simulate` replays with. */
  applyNow(message: AnyMessage, now: string): Decision {
    // What a snapshot was asked is only needed to build history items from it (history.ts).
    const snapshot = new LedgerSnapshot(this.items, this.options.history !== false);
    const context = { city: this.city, now, history: this.options.history !== false };
    const decision = decideOver(message, context, snapshot, (needs) => {
      for (const need of needs) {
        if (isCollection(need))
          snapshot.set(
            needId(need),
            this.query(need).map((item) => item.key),
          );
      }
    });
    if (decision.outcome === "applied") this.commit(decision.writes);
    return decision;
  }

  get(key: ItemKey): Item | undefined {
    return this.items.get(keyId(key));
  }

  /** The items of a collection in sort-key order. */
  query(collection: ItemCollection): Item[] {
    const partition = this.partitions.get(collection.pk);
    if (!partition) return [];
    return [...partition.entries()]
      .filter(([sk]) => inCollection(collection, sk))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, item]) => item);
  }

  /** A program-period partition as a stored ledger holds it: its items and its payout items. */
  partitionNow(period: number, program: string): (Item | PayoutMessage)[] {
    const pk = ledgerPartition(period, program);
    const sums = [...(this.payoutSums.get(pk)?.values() ?? [])] as PayoutMessage[];
    return [...this.query({ pk, skPrefix: "" }), ...(this.payouts.get(pk) ?? []), ...sums];
  }

  async partition(period: number, program: string): Promise<(Item | PayoutMessage)[]> {
    return this.partitionNow(period, program);
  }

  /** A page of a beneficiary's history, as a Query with a limit and an exclusive start key reads it. */
  async historyPage(
    beneficiary: { kind: BeneficiaryKind; id: string },
    page: { limit: number; after?: ItemKey },
  ): Promise<{ items: Item[]; next: ItemKey | null }> {
    const all = this.query(collections.history(beneficiary));
    const start = page.after ? all.findIndex((item) => item.key.sk > (page.after as ItemKey).sk) : 0;
    const items = start === -1 ? [] : all.slice(start, start + page.limit);
    const last = items.at(-1);
    return { items, next: last && all.at(-1) !== last ? last.key : null };
  }

  async readItems(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (const key of keys) {
      const item = this.get(key);
      if (item) found.set(keyId(key), item);
    }
    return found;
  }

  private commit(writes: Writes): void {
    if (this.items.has(keyId(writes.receipt.key))) throw new Error(`receipt ${writes.receipt.key.pk} exists`);
    for (const check of writes.checks) this.expectVersion(check.key, check.expectedVersion);
    for (const put of writes.puts) this.expectVersion(put.item.key, put.expectedVersion);
    for (const item of [...writes.outbox, ...writes.history]) {
      if (this.items.has(keyId(item.key)))
        throw new Error(`${item.entity} ${item.key.pk} ${item.key.sk} exists`);
    }
    this.store(writes.receipt);
    for (const put of writes.puts) this.put(put);
    const { onMessage } = this.options;
    if (onMessage) {
      this.hand(writes, onMessage);
      return;
    }
    for (const item of writes.outbox) {
      this.store(item);
      this.lifecycleOutbox.push(item);
      for (const message of item.messages) if (message.kind === "release") this.outbox.push(message);
    }
    for (const entry of writes.history) this.store(entry);
    for (const payout of writes.payouts) {
      this.outbox.push(payout);
      const partition = keys.payout(payout).pk;
      pushTo(this.payouts, partition, payout);
    }
  }

  /** The outbound messages handed on in commit order (releases first, as `outbox` orders them), not kept. */
  private hand(writes: Writes, onMessage: (message: OutboundMessage) => void): void {
    for (const item of writes.outbox) {
      for (const message of item.messages) if (message.kind === "release") onMessage(message);
    }
    for (const entry of writes.history) this.store(entry);
    for (const payout of writes.payouts) {
      onMessage(payout);
      const pk = keys.payout(payout).pk;
      const sums = this.payoutSums.get(pk) ?? new Map<string, PayoutSum>();
      this.payoutSums.set(pk, sums);
      const id = `${payout.beneficiary.kind}:${payout.beneficiary.id}`;
      const sum = sums.get(id);
      // Integer fen: a partition's sum stays far below 2^53.
      if (sum) sum.amountFen += payout.amountFen;
      else sums.set(id, { kind: "payout", beneficiary: payout.beneficiary, amountFen: payout.amountFen });
    }
  }

  private put(put: VersionedPut<VersionedItem>): void {
    this.store(put.item);
  }

  private store(item: Item): void {
    this.items.set(keyId(item.key), item);
    // A receipt, fact, unit… is alone in its partition and never queried: a map per receipt cost ~200 B.
    if (ALONE_IN_PARTITION.has(item.entity)) return;
    let partition = this.partitions.get(item.key.pk);
    if (!partition) {
      partition = new Map();
      this.partitions.set(item.key.pk, partition);
    }
    partition.set(item.key.sk, item);
  }

  private expectVersion(key: ItemKey, expected: number | null): void {
    const item = this.items.get(keyId(key));
    const actual = item && "version" in item ? item.version : null;
    if (actual !== expected) throw new Error(`${key.pk} ${key.sk}: version ${actual}, expected ${expected}`);
  }
}

function pushTo<T>(lists: Map<string, T[]>, key: string, value: T): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/**
 * The ledger's items as a decision's snapshot: every key is answered at once from the committed items (an
 * absent one reads as absent), so a decision needs no rounds of reads; the collections a step asks for are
 * added as they are read. Never changed by the decision: the working set copies what it writes.
 */
class LedgerSnapshot extends Map<string, Item | null | readonly ItemKey[]> {
  /** The keys the decision asked about (`missing` asks `has` of every need): what a stored ledger loads. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly committed: ReadonlyMap<string, Item>,
    private readonly tracked: boolean,
  ) {
    super();
  }

  override has(id: string): boolean {
    if (this.tracked) this.asked.add(id);
    return true;
  }

  override get(id: string): Item | null | readonly ItemKey[] | undefined {
    // Most decisions read no collection: skip hashing the key into an empty map.
    return (this.size ? super.get(id) : undefined) ?? this.committed.get(id);
  }

  /**
   * Iterated, it is what the decision loaded — the collections read and every key asked about, absent ones
   * as null — exactly the snapshot a stored ledger would have built, so what is derived from a snapshot's
   * contents (the history's line states, workbench.md § Trace) does not depend on which ledger ran.
   */
  override *entries(): MapIterator<[string, Item | null | readonly ItemKey[]]> {
    yield* super.entries();
    for (const id of this.asked) if (!super.has(id)) yield [id, this.committed.get(id) ?? null];
  }
  override [Symbol.iterator]() {
    return this.entries();
  }
  override *values(): MapIterator<Item | null | readonly ItemKey[]> {
    for (const [, value] of this.entries()) yield value;
  }
}
