import { z } from "zod";
import { CHANNELS, type Delivery, FACT_TYPES, type FactType, type Publisher } from "../contract";

/** An IAM principal of the partition the city runs in (`aws` or, in China, `aws-cn`). */
export const principal = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/, {
    message: "must be an IAM role, user or account root ARN",
  });

/**
 * One publisher (docs/contract/events.md § Publishers): what it publishes under, who it is in IAM, and the
 * facts it may assert. Its id names its queues (`autogrant-<city>-ingest-<id>`, `…-rejected-<id>`), so it
 * is short and lower case.
 */
export const publisherSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/, "must be 2–24 characters a-z, 0-9 and -, from a letter"),
    name: z.string().min(1),
    channel: z.enum(CHANNELS),
    source: z.string().regex(/^[a-z][a-z0-9-]*\/[a-z0-9-]+$/, 'must read like "registry/tech-market"'),
    /** Who may send on the channel. The clock's sender is the stack's own scheduler role: none named. */
    principals: z.array(principal).default([]),
    types: z.array(z.enum(FACT_TYPES)).min(1),
    /** The channel's event source mapping's ceiling; default operations.ingest.maxConcurrency. */
    maxConcurrency: z.number().int().min(2).max(1000).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.channel === "clock" && p.principals.length) {
      ctx.addIssue({
        code: "custom",
        path: ["principals"],
        message: "the clock is the stack's own scheduler role: name no principal",
      });
    }
    if (p.channel !== "clock" && !p.principals.length) {
      ctx.addIssue({
        code: "custom",
        path: ["principals"],
        message: `a ${p.channel} channel needs at least one principal`,
      });
    }
    if (p.channel === "clock" && p.types.some((t) => t !== "clock.day")) {
      ctx.addIssue({ code: "custom", path: ["types"], message: "the clock asserts clock.day only" });
    }
  });
export type PublisherFile = z.output<typeof publisherSchema>;

/** Problems no single publisher shows: shared ids, sources, principals or types; no clock. */
export function publisherProblems(publishers: readonly PublisherFile[]): string[] {
  const problems: string[] = [];
  const once = (what: string, values: string[]) => {
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(value)) problems.push(`publishers: ${what} ${value} is named twice`);
      seen.add(value);
    }
  };
  once(
    "id",
    publishers.map((p) => p.id),
  );
  once(
    "source",
    publishers.map((p) => p.source),
  );
  // One principal, one publisher: an identity's authority is one list, and its queue is one queue.
  once(
    "principal",
    publishers.flatMap((p) => p.principals),
  );
  // One type, one publisher: `(source, id)` and the natural keys then have one author each.
  once(
    "fact type",
    publishers.flatMap((p) => p.types),
  );
  if (publishers.filter((p) => p.channel === "clock").length !== 1) {
    problems.push("publishers: exactly one clock channel is needed (clock.day reaches every deadline)");
  }
  return problems;
}

/** The publishers as the contract judges them, and which one owns a `source`. */
export function publishersOf(file: readonly PublisherFile[]): {
  publishers: readonly Publisher[];
  publisherOf: (source: string) => Publisher | undefined;
} {
  const publishers = file.map(
    (p): Publisher => ({ id: p.id, channel: p.channel, source: p.source, types: new Set<FactType>(p.types) }),
  );
  const bySource = new Map(publishers.map((p) => [p.source, p]));
  return { publishers, publisherOf: (source) => bySource.get(source) };
}

/**
 * A line of a file replayed as its registries sent it, each under its own identity: sent by the publisher
 * that owns its `source`. A line whose `source` cannot be read has no sender; the contract judges it for
 * its own fault first (malformed-json, not-cloudevent, unsupported-type precede not-authorised).
 */
export function replayDelivery(city: Owners, receivedAt: string): Delivery {
  return { senderFor: (source) => city.publisherOf(source) ?? null, receivedAt };
}

type Owners = { publisherOf(source: string): Publisher | undefined };

/** The publisher that owns a raw line's `source`, if it has a readable one that a publisher owns. */
export function ownerOf(city: Owners, raw: string): { publisher: Publisher | undefined } {
  return { publisher: city.publisherOf(sourceOf(raw)) };
}

function sourceOf(raw: string): string {
  try {
    const parsed: unknown = JSON.parse(raw);
    const source =
      typeof parsed === "object" && parsed !== null ? (parsed as { source?: unknown }).source : "";
    return typeof source === "string" ? source : "";
  } catch {
    return "";
  }
}

/**
 * A publisher's queues, named before they exist (so key and queue policies can name them): it sends to
 * `…-ingest-<id>` (dead letters `…-ingest-<id>-dlq`) and reads `…-rejected-<id>`, which is the city's
 * `…-rejected` queue's name with `-<id>` appended (what the ingest derives a publisher's rejections from).
 */
export function channelQueueNames(city: string, publisherId: string) {
  const name = (suffix: string) => `autogrant-${city}-${suffix}`;
  return {
    ingest: name(`ingest-${publisherId}`),
    deadLetter: name(`ingest-${publisherId}-dlq`),
    rejected: name(`rejected-${publisherId}`),
    /** The city's own rejected queue: rejections no publisher can be told of (operators read it). */
    unattributed: name("rejected"),
  };
}
