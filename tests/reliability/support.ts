import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LocalStack, type LocalStackOptions } from "../../scripts/local/stack";
import type { PayoutMessage, ReleaseMessage } from "../../shared/decisions/payouts";
import type { CityPolicy } from "../../shared/policy/city";
import { simulate } from "../../shared/simulate/simulate";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";

export const SAMPLE = join(import.meta.dirname, "..", "..", "examples", "jinan-2024.ndjson");
export const sampleLines = () =>
  readFileSync(SAMPLE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");

/** The seed of a test's randomness, printed so that a failure replays (RELIABILITY_SEED=…). */
export function seed(test: string): number {
  const value = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`${test}: seed ${value} (RELIABILITY_SEED=${value} replays)`);
  return value;
}

export function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Σ amountFen per (program, beneficiary, period): what the ledger's invariant is about. */
export function totals(messages: readonly (PayoutMessage | ReleaseMessage)[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const m of messages) {
    if (m.kind === "release") continue;
    const key = `${m.program} ${m.beneficiary.kind}:${m.beneficiary.id} ${m.period}`;
    sums.set(key, (sums.get(key) ?? 0n) + BigInt(m.amountFen));
  }
  for (const [key, sum] of sums) if (sum === 0n) sums.delete(key);
  return new Map([...sums].sort(([a], [b]) => a.localeCompare(b)));
}

export function reference(lines: readonly string[], city: CityPolicy) {
  return simulate(lines, city, () => new Date().toISOString());
}

/** Runs lines through the local stack (real handlers, DynamoDB Local, the SQS emulator) and collects. */
export async function throughStack(
  lines: readonly string[],
  options: Omit<LocalStackOptions, "endpoints" | "prefix"> & { prefix?: string },
) {
  // Long enough that a batch is never redelivered while it still runs (Lambda's is 6× the timeout),
  // short enough that a fact whose original never comes is dead-lettered in seconds.
  const stack = await LocalStack.start({
    visibilityTimeoutSeconds: 3,
    receiveLimit: 5,
    ...options,
    prefix: uniqueName(options.prefix ?? "stack"),
    endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
  });
  try {
    await stack.publish(lines);
    await stack.quiet();
    return { stack, ...(await stack.collect()) };
  } finally {
    await stack.stop({ removeResources: true });
  }
}

export const sortBy = <T>(items: readonly T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

/** The sample (or its first `count` lines) without what it rejects or dead-letters: a conflict-free stream. */
export function conflictFree(city: CityPolicy, count?: number): string[] {
  const lines = sampleLines().slice(0, count);
  const result = reference(lines, city);
  const dropped = new Set([
    ...result.rejections.map((r) => `${r.source} ${r.id}`),
    ...result.deadLetters.map((d) => `${d.source} ${d.id}`),
  ]);
  return lines.filter((line) => {
    try {
      const { source, id } = JSON.parse(line);
      return !dropped.has(`${source} ${id}`);
    } catch {
      return false;
    }
  });
}

/** Nothing doubled, nothing lost: simulate's totals, and every payout id on the queue once. */
export function expectSettled(
  got: { messages: readonly (PayoutMessage | ReleaseMessage)[] },
  expected: { messages: readonly (PayoutMessage | ReleaseMessage)[] },
  expect: (value: unknown) => { toEqual(other: unknown): void; toBe(other: unknown): void },
): void {
  expect(totals(got.messages)).toEqual(totals(expected.messages));
  const ids = got.messages.map((m) => (m.kind === "release" ? m.releaseId : m.payoutId));
  expect(new Set(ids).size).toBe(ids.length);
}
