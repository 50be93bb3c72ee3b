import { show } from "./describe";
import type { FactType } from "./fact-types";
import { type Problem, problem } from "./rejection";
import { type ParsedTime, parseTime } from "./time";

/**
 * How a publisher reaches the stack (events.md § Publishers): a registry or office in its own account, the
 * stack's own clock (a scheduler's role), or the staff channel (the workbench publishing for a person).
 */
export const CHANNELS = ["registry", "clock", "staff"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Who may assert what: one `source`, and the fact types published under it. */
export interface Publisher {
  readonly id: string;
  readonly channel: Channel;
  readonly source: string;
  readonly types: ReadonlySet<FactType>;
}

/**
 * What the receiving side knows of a message and the sender cannot write: who sent it and when SQS
 * accepted it (`SentTimestamp`). The sender is asked for with the message's `source` once the parser has
 * read it: the ingest answers with the publisher whose queue it came through whatever the source (`null`
 * for none); a replay, with the source's owner — so no line is read twice to find its sender.
 */
export interface Delivery {
  senderFor(source: string): Publisher | null;
  /** ISO 8601 instant. */
  receivedAt: string;
}

/**
 * A publisher's clock may run ahead of SQS's by this much: AWS itself refuses a request signed more than
 * 15 minutes off its own clock, so a sender further ahead is not a clock error but a claim on the future.
 */
export const TIME_SKEW_SECONDS = 15 * 60;

/** The sender may publish under this `source` and assert this type, or the `not-authorised` problem. */
export function authorityProblem(
  sender: Publisher | null,
  source: string,
  type: FactType,
): Problem | undefined {
  // One detail whoever the sender is: a replay (no sender for an unknown source) and the stack agree.
  if (sender?.source !== source) {
    return problem("not-authorised", "source", `${show(source)} is not a source this sender publishes under`);
  }
  if (!sender.types.has(type)) {
    return problem("not-authorised", "type", `the publisher of ${show(source)} may not assert ${type}`);
  }
  return undefined;
}

/**
 * `time` after the moment SQS accepted the message, beyond TIME_SKEW_SECONDS: `future-time`. Both are
 * RFC 3339 instants (`receivedAt` is the queue's, never the sender's); compared in whole seconds and
 * nanoseconds, as the contract compares every instant.
 */
export function futureTimeProblem(
  sent: Extract<ParsedTime, { ok: true }>,
  receivedAt: string,
): Problem | undefined {
  const received = parseTime(receivedAt);
  if (!received.ok) throw new RangeError(`receivedAt ${JSON.stringify(receivedAt)}: ${received.problem}`);
  const latestSeconds = received.epochSeconds + TIME_SKEW_SECONDS;
  const late = sent.epochSeconds - latestSeconds || sent.nanos - received.nanos;
  if (late <= 0) return undefined;
  return problem(
    "future-time",
    "time",
    `${sent.canonical} is more than ${TIME_SKEW_SECONDS / 60} minutes after the queue accepted the message (${received.canonical})`,
  );
}
