/**
 * The workbench API's errors, each an RFC 9457 problem (docs/contract/workbench.md § Errors): the status,
 * a `type` URN, a title, a detail for people, and for a bad request each invalid field.
 */
export interface FieldError {
  in: "path" | "query" | "header" | "body";
  name: string;
  detail: string;
}

export abstract class WorkbenchProblemError extends Error {
  abstract readonly status: number;
  abstract readonly problem: string;
  abstract readonly title: string;
  readonly errors: readonly FieldError[] | undefined = undefined;
}

export class InvalidRequestError extends WorkbenchProblemError {
  override readonly name = "InvalidRequestError";
  readonly status = 400;
  readonly problem = "invalid-request";
  readonly title = "The request is not valid";
  override readonly errors: readonly FieldError[];
  constructor(errors: readonly FieldError[], options?: { cause?: unknown }) {
    super(errors.map((e) => `${e.in} ${e.name}: ${e.detail}`).join("; "), options);
    this.errors = errors;
  }
}

export class InvalidCursorError extends WorkbenchProblemError {
  override readonly name = "InvalidCursorError";
  readonly status = 400;
  readonly problem = "invalid-cursor";
  readonly title = "The cursor is not one of this query";
}

export class MissingIdempotencyKeyError extends WorkbenchProblemError {
  override readonly name = "MissingIdempotencyKeyError";
  readonly status = 400;
  readonly problem = "missing-idempotency-key";
  readonly title = "An action needs an Idempotency-Key header";
}

export class UnauthenticatedError extends WorkbenchProblemError {
  override readonly name = "UnauthenticatedError";
  readonly status = 401;
  readonly problem = "unauthenticated";
  readonly title = "No verified identity";
}

export class ForbiddenError extends WorkbenchProblemError {
  override readonly name = "ForbiddenError";
  readonly status = 403;
  readonly problem = "forbidden";
  readonly title = "Not allowed for this caller";
}

export class NotFoundError extends WorkbenchProblemError {
  override readonly name = "NotFoundError";
  readonly status = 404;
  readonly problem = "not-found";
  readonly title = "Not found";
}

export class MethodNotAllowedError extends WorkbenchProblemError {
  override readonly name = "MethodNotAllowedError";
  readonly status = 405;
  readonly problem = "method-not-allowed";
  readonly title = "Method not allowed on this path";
}

export class UnsupportedMediaTypeError extends WorkbenchProblemError {
  override readonly name = "UnsupportedMediaTypeError";
  readonly status = 415;
  readonly problem = "unsupported-media-type";
  readonly title = "The body is not JSON";
}

/** The ledger or the queue could not be reached: retry (an action with the same key is one fact). */
export class UnavailableError extends WorkbenchProblemError {
  override readonly name = "UnavailableError";
  readonly status = 503;
  readonly problem = "unavailable";
  readonly title = "The ledger or the staff channel is unavailable";
}

export class InternalError extends WorkbenchProblemError {
  override readonly name = "InternalError";
  readonly status = 500;
  readonly problem = "internal";
  readonly title = "Internal error";
}

/** A staff fact the queue did not take: nothing was published, the caller may retry with its key. */
export class FactNotPublishedError extends Error {
  override readonly name = "FactNotPublishedError";
}
