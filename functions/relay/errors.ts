/**
 * An outbox message that no retry could send: SQS refuses its body, or the item does not decode. It stays
 * in the table (the record of what is owed); the relay logs it and counts OutboxUnsendable, which alarms,
 * and moves on, so one such item never holds up its shard.
 */
export class OutboxUnsendableError extends Error {
  override readonly name = "OutboxUnsendableError";
}
