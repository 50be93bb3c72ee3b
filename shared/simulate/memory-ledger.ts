import type { AnyMessage } from "../contract";
import { allocateBudget } from "../decisions/budget";
import type { BudgetItem, Decision, Item, VersionedPut, Writes } from "../decisions/items";
import { keys } from "../decisions/items";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import { decideNow } from "../decisions/run";
import type { Fen } from "../money";
import type { CityPolicy } from "../policy/city";

/**
 * The ledger in memory: the same decisions as the DynamoDB ledger, committed to a Map. It is what
 * `simulate` replays a stream through, and the reference the stored ledger is tested against.
 */
export class MemoryLedger {
  readonly items = new Map<string, Item>();
  /** The outbox: every payout and release, in commit order. */
  readonly outbox: (PayoutMessage | ReleaseMessage)[] = [];
  private readonly held = new Map<string, PayoutMessage[]>();

  constructor(readonly city: CityPolicy) {}

  apply(message: AnyMessage, now: string): Decision {
    const decision = decideNow(message, { city: this.city, now }, (key) => this.items.get(key));
    if (decision.outcome === "applied") this.commit(decision.writes);
    return decision;
  }

  /** Adds budget to a program's period and releases held payouts that now fit, oldest first. */
  allocate(
    policyVersion: string,
    programId: string,
    period: number,
    addedFen: Fen,
    now: string,
  ): ReleaseMessage[] {
    const key = keys.budget(policyVersion, programId, period);
    const budget =
      (this.items.get(key) as BudgetItem | undefined) ?? emptyBudget(key, policyVersion, programId, period);
    const held = this.held.get(key) ?? [];
    const { budget: put, releases } = allocateBudget(budget, addedFen, held, now);
    this.put(put);
    this.held.set(key, held.slice(releases.length));
    this.outbox.push(...releases);
    return releases;
  }

  private commit(writes: Writes): void {
    if (this.items.has(writes.receipt.key)) throw new Error(`receipt ${writes.receipt.key} exists`);
    for (const check of writes.checks) this.expectVersion(check.key, check.expectedVersion);
    for (const put of [...writes.facts, ...writes.units, ...writes.budgets])
      this.expectVersion(put.item.key, put.expectedVersion);
    this.items.set(writes.receipt.key, writes.receipt);
    for (const put of [...writes.facts, ...writes.units, ...writes.budgets]) this.put(put);
    for (const payout of writes.payouts) {
      this.outbox.push(payout);
      if (payout.status === "awaiting-budget") {
        const key = keys.budget(payout.policyVersion, payout.program, payout.period);
        this.held.set(key, [...(this.held.get(key) ?? []), payout]);
      }
    }
  }

  private put(put: VersionedPut<Item & { version: number }>): void {
    this.items.set(put.item.key, put.item);
  }

  private expectVersion(key: string, expected: number | null): void {
    const item = this.items.get(key);
    const actual = item && "version" in item ? item.version : null;
    if (actual !== expected) throw new Error(`${key}: version ${actual}, expected ${expected}`);
  }
}

function emptyBudget(key: string, policyVersion: string, programId: string, period: number): BudgetItem {
  return {
    entity: "budget",
    key,
    policyVersion,
    programId,
    period,
    allocatedFen: 0n,
    committedFen: 0n,
    heldFen: 0n,
    version: 0,
  };
}
