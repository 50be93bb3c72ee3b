/** The commands' errors. */

/** A command was given arguments it cannot run with: reported in one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
