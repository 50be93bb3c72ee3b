import type { Rejection } from "../contract";

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
