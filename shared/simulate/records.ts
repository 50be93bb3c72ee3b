import type { Rejection } from "../contract";
import { type Item, storedItemBytes } from "../decisions/items";

/** A permanent rejection as published to the city's rejected queue. */
export interface RejectionRecord extends Rejection {
  receivedAt: string;
}

/** A waiting fact whose original never came: what the ingest dead-letter queue ends up holding. */
export interface DeadLetter {
  source: string;
  id: string;
  type: string;
  why: string;
}

/**
 * A fact the memory ledger committed whole that DynamoDB could not (payments.md § Transaction size). Its
 * actions leave out history items when the replay writes none: batch-wide facts (the big ones) have none.
 */
export interface OversizedFact {
  source: string;
  id: string;
  type: string;
  actions: number;
}

/** A standing item a stored ledger could not hold: over DynamoDB's item limit (payments.md § Item size). */
export interface OversizedItem {
  entity: string;
  pk: string;
  sk: string;
  bytes: number;
}

/** The items whose stored form is over `limit` bytes, largest first. */
export function itemsOver(items: readonly Item[], limit: number): OversizedItem[] {
  const over: OversizedItem[] = [];
  for (const item of items) {
    const bytes = storedItemBytes(item);
    if (bytes > limit) over.push({ entity: item.entity, pk: item.key.pk, sk: item.key.sk, bytes });
  }
  return over.sort((a, b) => b.bytes - a.bytes);
}
