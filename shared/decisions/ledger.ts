import type { AnyMessage } from "../contract";
import type { CityPolicy } from "../policy/city";
import type { Decision } from "./items";

export interface ApplyResult {
  decision: Decision;
  /** Decisions made: 1 unless a race was lost and the fact decided again on fresh reads. */
  attempts: number;
}

/**
 * The ledger port: decide one fact against the state it touches and commit the whole effect, or nothing.
 * DynamoDB (shared/ledger), memory (shared/simulate) and the bench's Powertools baseline implement it;
 * the ingest record handler takes any of them.
 */
export interface Ledger {
  readonly city: CityPolicy;
  apply(message: AnyMessage, now: () => string): Promise<ApplyResult>;
}
