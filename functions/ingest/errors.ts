/** The fact depends on one that has not arrived (queues do not keep order): SQS redelivers it. */
export class FactWaitingError extends Error {
  override readonly name = "FactWaitingError";
}

/** A rejection could not be published to the rejected queue; the record is retried, nothing was written. */
export class RejectionNotPublishedError extends Error {
  override readonly name = "RejectionNotPublishedError";
}

/** A record without the time SQS accepted it: the ingest cannot bound its `time`, so it is retried. */
export class SentTimestampError extends Error {
  override readonly name = "SentTimestampError";
}
