import { MAX_ITEM_BYTES, MAX_TRANSACTION_ACTIONS } from "../decisions/items";
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

/**
 * A fact whose writes need more actions than one transaction takes: it cannot commit as designed, so it
 * is never retried blindly (docs/contract/payments.md § Transaction size).
 */
export class TransactionTooLargeError extends Error {
  override readonly name = "TransactionTooLargeError";
  constructor(readonly actions: number) {
    super(`a fact touching ${actions} items exceeds DynamoDB's ${MAX_TRANSACTION_ACTIONS}-action limit`);
  }
}

/**
 * A fact that would write an item larger than DynamoDB stores (a province's batch of thousands of lines):
 * it cannot commit as designed, so it is never retried blindly (docs/contract/payments.md § Item size).
 */
export class ItemTooLargeError extends Error {
  override readonly name = "ItemTooLargeError";
  constructor(
    readonly entity: string,
    readonly key: { pk: string; sk: string },
    readonly bytes: number,
  ) {
    super(
      `${entity} ${key.pk} ${key.sk} is ${bytes} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte item limit`,
    );
  }
}

/** An item in the table that does not decode: a bug or a manual edit, never retried blindly. */
export class LedgerCorruptItemError extends Error {
  override readonly name = "LedgerCorruptItemError";
}

/** Cancellation reasons a fresh read and a new decision can cure: a lost race, not a broken request. */
const RETRYABLE = new Set(["None", "ConditionalCheckFailed", "TransactionConflict"]);

/**
 * The one translation of AWS errors into the ledger's: a transaction cancelled only by lost races is a
 * LedgerConflictError (decide again); anything else is LedgerUnavailableError (the queue redelivers).
 */
export function ledgerErrorOf(error: unknown, what: string): LedgerConflictError | LedgerUnavailableError {
  const name = (error as { name?: string })?.name ?? "Error";
  if (name === "TransactionCanceledException") {
    const reasons = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
      (r) => r.Code ?? "None",
    );
    if (reasons.every((r) => RETRYABLE.has(r))) {
      return new LedgerConflictError(`${what}: the transaction lost a race`, reasons, { cause: error });
    }
    return new LedgerUnavailableError(`${what}: transaction cancelled: ${reasons.join(", ")}`, {
      cause: error,
    });
  }
  return new LedgerUnavailableError(
    `${what}: DynamoDB: ${name}: ${(error as Error)?.message ?? String(error)}`,
    {
      cause: error,
    },
  );
}
