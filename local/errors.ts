/** The local cloud's errors. */

/** An invocation still running at the function timeout: Lambda stops it and counts it as an error. */
export class InvocationTimeoutError extends Error {
  override readonly name = "InvocationTimeoutError";
}
