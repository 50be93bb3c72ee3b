/** The ledger's errors: adapters turn AWS errors into these, with the AWS error as `cause`. */

/** A transaction lost a race (a version condition failed): re-read and decide again. */
export class LedgerConflictError extends Error {
  override readonly name = "LedgerConflictError";
  constructor(
    message: string,
    readonly reasons: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The ledger could not be reached or throttled us: the message is retried by its queue. */
export class LedgerUnavailableError extends Error {
  override readonly name = "LedgerUnavailableError";
}

/** Any failed DynamoDB call as a LedgerUnavailableError, the AWS error kept as its cause. */
export function unavailable(error: unknown): LedgerUnavailableError {
  const name = (error as { name?: string })?.name ?? "Error";
  return new LedgerUnavailableError(`DynamoDB: ${name}: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/** Still conflicting after every retry: contention too high for this attempt; the queue redelivers. */
export class LedgerContentionError extends Error {
  override readonly name = "LedgerContentionError";
  constructor(
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An item in the table that does not decode: a bug or a manual edit, never retried blindly. */
export class LedgerCorruptItemError extends Error {
  override readonly name = "LedgerCorruptItemError";
}
