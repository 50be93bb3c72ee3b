/** The simulation's errors. */

/**
 * A reform that cannot be compared with the city's policy on one stream: the events are parsed once, against
 * one city's id and districts, so the reform must name the same city and districts.
 */
export class ReformMismatchError extends Error {
  override readonly name = "ReformMismatchError";
}
