import type { AnyMessage } from "../contract";
import { allocateBudget, openBudget } from "../decisions/budget";
import type { Decision, Item, VersionedPut, Writes } from "../decisions/items";
import { type ItemKey, keyId, keys } from "../decisions/keys";
import type { ApplyResult, Ledger } from "../decisions/ledger";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import { decideNow } from "../decisions/run";
import type { Fen } from "../money";
import type { CityPolicy } from "../policy/city";

/**
 * The ledger in memory: the same decisions as the DynamoDB ledger, committed to a Map. It is what
 * `simulate` replays a stream through, and the reference the stored ledger is tested against.
 */
export class MemoryLedger implements Ledger {
  /** Every item, by `keyId`. */
  readonly items = new Map<string, Item>();
  /** The outbox: every payout and release, in commit order. */
  readonly outbox: (PayoutMessage | ReleaseMessage)[] = [];
  /** Payouts held awaiting budget, oldest first, by the budget's `keyId`. */
  private readonly held = new Map<string, PayoutMessage[]>();

  constructor(readonly city: CityPolicy) {}

  async apply(message: AnyMessage, now: () => string): Promise<ApplyResult> {
    return { decision: this.applyNow(message, now()), attempts: 1 };
  }

  /** `apply`, synchronously: what `simulate` replays with. */
  applyNow(message: AnyMessage, now: string): Decision {
    const decision = decideNow(message, { city: this.city, now }, (wanted) => this.read(wanted));
    if (decision.outcome === "applied") this.commit(decision.writes);
    return decision;
  }

  get(key: ItemKey): Item | undefined {
    return this.items.get(keyId(key));
  }

  /** Adds budget to a program's period and releases held payouts that now fit, oldest first. */
  allocate(policyVersion: string, programId: string, period: number, addedFen: Fen, now: string) {
    const key = keys.budget(policyVersion, programId, period);
    const before = (this.get(key) ?? null) as Extract<Item, { entity: "budget" }> | null;
    const allocatedFen = this.city.program(policyVersion, programId)?.budgetsFen?.[String(period)] ?? 0n;
    const budget = openBudget(before, { policyVersion, programId, period, allocatedFen });
    const held = this.held.get(keyId(key)) ?? [];
    const { budget: put, releases } = allocateBudget(budget, before !== null, addedFen, held, now);
    this.put(put);
    this.held.set(keyId(key), held.slice(releases.length));
    this.outbox.push(...releases);
    return releases;
  }

  private read(wanted: readonly ItemKey[]): Map<string, Item> {
    const found = new Map<string, Item>();
    for (const key of wanted) {
      const item = this.items.get(keyId(key));
      if (item) found.set(keyId(key), item);
    }
    return found;
  }

  private commit(writes: Writes): void {
    if (this.items.has(keyId(writes.receipt.key))) throw new Error(`receipt ${writes.receipt.key.pk} exists`);
    for (const check of writes.checks) this.expectVersion(check.key, check.expectedVersion);
    const puts = [...writes.facts, ...writes.units, ...writes.budgets];
    for (const put of puts) this.expectVersion(put.item.key, put.expectedVersion);
    this.items.set(keyId(writes.receipt.key), writes.receipt);
    for (const put of puts) this.put(put);
    for (const payout of writes.payouts) {
      this.outbox.push(payout);
      if (payout.status === "awaiting-budget") {
        const budget = keyId(keys.budget(payout.policyVersion, payout.program, payout.period));
        this.held.set(budget, [...(this.held.get(budget) ?? []), payout]);
      }
    }
  }

  private put(put: VersionedPut<Item & { version: number }>): void {
    this.items.set(keyId(put.item.key), put.item);
  }

  private expectVersion(key: ItemKey, expected: number | null): void {
    const item = this.items.get(keyId(key));
    const actual = item && "version" in item ? item.version : null;
    if (actual !== expected) throw new Error(`${key.pk} ${key.sk}: version ${actual}, expected ${expected}`);
  }
}
