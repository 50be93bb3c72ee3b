/** The local cloud's errors. */

/** An invocation still running at the function timeout: Lambda stops it and counts it as an error. */
export class InvocationTimeoutError extends Error {
  override readonly name = "InvocationTimeoutError";
}

/** An AWS call an invocation tried after its timeout: Lambda would have stopped the invocation by then. */
export class InvocationEndedError extends Error {
  override readonly name = "InvocationEndedError";
}

/** The synthesised template is not shaped as the local stack reads it (a resource missing or doubled). */
export class TemplateShapeError extends Error {
  override readonly name = "TemplateShapeError";
}

/** A development login that names no user or role of the local workbench, or a city file without one. */
export class DevLoginError extends Error {
  override readonly name = "DevLoginError";
}

/** The local clock control could not move the ledger's date (no clock channel, or the fact not applied). */
export class ClockControlError extends Error {
  override readonly name = "ClockControlError";
}

/** The local workbench cannot be wired to the stack (no staff channel for its actions). */
export class WorkbenchSetupError extends Error {
  override readonly name = "WorkbenchSetupError";
}
