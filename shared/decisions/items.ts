import type { FactType, Rejection } from "../contract";
import { utf8Bytes } from "../contract/utf8";
import type { Fen } from "../money";
import type { Beneficiary } from "../policy/parties";
import type { HistoryItem } from "./history";
import { type ItemKey, LEDGER_TABLE } from "./keys";
import type { LifecycleItem } from "./lifecycle/items";
import type { OutboxItem } from "./lifecycle/messages";
import type { PayoutMessage } from "./payouts";

/**
 * The ledger's state, as items addressed by key: everything one fact touches can be loaded with a few
 * key reads (and, for a batch, one query of its lines) and written back in one transaction (version
 * conditions on what it read).
 */
export type Item = ReceiptItem | FactItem | UnitItem | BudgetItem | LifecycleItem | OutboxItem | HistoryItem;

/** Items written with a version, conditioned on the version read. */
export type VersionedItem = Exclude<Item, ReceiptItem | OutboxItem | HistoryItem>;

/** An accepted message `(source, id)`: the hash of its body, and what was decided for it. */
export interface ReceiptItem {
  entity: "receipt";
  key: ItemKey;
  source: string;
  id: string;
  type: FactType;
  bodyHash: string;
  outcome: "applied";
  /** Why it paid nothing: no policy in force, not covered, a replay of a standing fact, superseded. */
  reason?: NoPayoutReason;
  payoutIds: string[];
  decidedAt: string;
}
export type NoPayoutReason = "no-policy" | "not-covered" | "replay" | "superseded";

/** The standing fact for a natural key; `data` is the parsed data (fen as bigint). */
export interface FactItem {
  entity: "fact";
  key: ItemKey;
  type: FactType;
  naturalKey: string;
  source: string;
  id: string;
  time: string;
  dataHash: string;
  data: unknown;
  version: number;
}

/** One unit of a program: its running totals and what has been paid for it, per period. */
export interface UnitItem {
  entity: "unit";
  key: ItemKey;
  programId: string;
  policyVersion: string;
  unitKey: string;
  beneficiary: Beneficiary;
  period: number | null;
  label?: string;
  capFen?: Fen;
  counters: Record<string, bigint>;
  paidFen: Record<string, Fen>;
  version: number;
}

/** A program's budget for a period: what is allocated and what payable payouts have committed. */
export interface BudgetItem {
  entity: "budget";
  key: ItemKey;
  policyVersion: string;
  programId: string;
  period: number;
  allocatedFen: Fen;
  committedFen: Fen;
  heldFen: Fen;
  /**
   * Per-funder budgets (payments.md § Budget), in the order of the program's funders: each funder's own
   * allocation, commitments and holds; the program's fields above are their sums. Absent: one budget.
   */
  funders?: FunderBudget[];
  /** Payouts held awaiting budget, oldest first, with the line each opened (and, by funder, its lines). */
  held?: {
    payoutId: string;
    fen: Fen;
    beneficiary: Beneficiary;
    line?: ItemKey;
    funders?: FunderFenLine[];
  }[];
  version: number;
}

export interface FunderBudget {
  funder: string;
  allocatedFen: Fen;
  committedFen: Fen;
  heldFen: Fen;
}

/** One funder's fen of a payout, as items keep it (a list, so it stores as JSON). */
export interface FunderFenLine {
  funder: string;
  fen: Fen;
}

/**
 * What a decision has loaded, by `keyId`: the item, or `null` for a key read and found absent; and by
 * `collectionId`, the keys of the items a query of that collection found (each loaded too).
 */
export type Snapshot = ReadonlyMap<string, Item | null | readonly ItemKey[]>;

/** A write conditioned on the version that was read (`null`: the item must not exist yet). */
export interface VersionedPut<I extends Item> {
  item: I;
  expectedVersion: number | null;
}

/** The whole effect of one fact: written in one transaction, or not at all. */
export interface Writes {
  receipt: ReceiptItem;
  /** Every state item the fact changes — facts, units, budgets, lines, batches… — each conditioned. */
  puts: VersionedPut<VersionedItem>[];
  /** Items read to judge the fact that must not have changed when it commits. */
  checks: { key: ItemKey; expectedVersion: number | null }[];
  /** Entitlement changes: the payouts contract's outbox. */
  payouts: PayoutMessage[];
  /** The lifecycle's outbound messages, in lists the relay sends one by one. */
  outbox: OutboxItem[];
  /** What the fact did to each beneficiary it touched, written once (history.ts; workbench.md § Trace). */
  history: HistoryItem[];
}

/**
 * A fact is one transaction (design-notes § One transaction per fact), and DynamoDB's TransactWriteItems
 * takes at most 100 actions: more than this, and a stored ledger cannot commit the fact at all.
 */
export const MAX_TRANSACTION_ACTIONS = 100;

/** The actions a fact's writes take in its one transaction (ledger/transaction.ts builds exactly these). */
export function transactionActions(writes: Writes): number {
  const { puts, checks, payouts, outbox, history } = writes;
  return 1 + puts.length + checks.length + payouts.length + outbox.length + history.length;
}

/**
 * DynamoDB stores at most 400 KB per item, attribute names and values counted in UTF-8: a larger item
 * cannot be written at all (docs/contract/payments.md § Item size).
 */
export const MAX_ITEM_BYTES = 400 * 1024;

/** JSON that keeps bigint fen exact: `{"$fen":"123"}`; the contract's strict data never has that key. */
export function tagJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? { $fen: v.toString() } : v));
}

/**
 * A state or outbox item's `body` as the stored ledger keeps it (ledger/codec.ts `encodeItem`). A history
 * item, the table's most numerous, leaves out the key its own attributes hold.
 */
export function storedBody(item: Item): string {
  return tagJson(bodyOf(item));
}

const bodyOf = (item: Item) => (item.entity === "history" ? { ...item, key: undefined } : item);

/**
 * The bytes DynamoDB counts for an item as `encodeItem` writes it: names and values of its key, entity,
 * version and body. A number counts its digits, at least what DynamoDB counts (about one byte per two).
 */
export function storedItemBytes(item: Item): number {
  const { partitionKey, sortKey, version } = LEDGER_TABLE;
  const versioned = "version" in item ? version.length + String(item.version).length : 0;
  const keyBytes = partitionKey.length + utf8Bytes(item.key.pk) + sortKey.length + utf8Bytes(item.key.sk);
  return (
    keyBytes + "entity".length + item.entity.length + versioned + "body".length + utf8Bytes(storedBody(item))
  );
}

export interface MessageRef {
  source: string;
  id: string;
  type: FactType;
}

export type Decision =
  | { outcome: "applied"; message: MessageRef; reason?: NoPayoutReason; writes: Writes }
  | { outcome: "duplicate"; message: MessageRef }
  | { outcome: "waiting"; message: MessageRef; waitingFor: ItemKey; detail: string }
  | { outcome: "rejected"; message: MessageRef; rejection: Rejection };
