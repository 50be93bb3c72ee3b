/** The decision core's errors: assertions about its own protocol, never about a message's content. */

/** A step read an item it had not asked the ledger for: a bug in the step, not a state of the ledger. */
export class SnapshotMissingError extends Error {
  override readonly name = "SnapshotMissingError";
}

/** `decide` kept asking for more reads than its steps can need. */
export class DecisionRoundsExceededError extends Error {
  override readonly name = "DecisionRoundsExceededError";
}
