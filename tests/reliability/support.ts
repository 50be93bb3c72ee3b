import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { LocalStack, type LocalStackOptions, typeOf } from "../../local/stack";
import { canonicalJson } from "../../shared/contract";
import { LIFECYCLE_TYPES } from "../../shared/contract/fact-types";
import type { PayoutMessage, ReleaseMessage } from "../../shared/decisions/payouts";
import type { CityPolicy } from "../../shared/policy/city";
import { readCity } from "../../shared/policy/files";
import { simulate } from "../../shared/simulate/simulate";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { certification, type ScenarioEvent } from "../support/scenarios";

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
export async function throughStack(lines: readonly string[], options: Omit<LocalStackOptions, "endpoints">) {
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
    return { stack, ...(await stack.collect()), reconciliation: await stack.reconcile() };
  } finally {
    await stack.stop({ removeResources: true });
  }
}

/**
 * A crash test's run: 600 conflict-free sample lines (a crash must not change what they settle to) on 2
 * workers, the handlers wrapped by `wrap`. Its `crash()` says whether to die now: at most 20 times, each
 * chance 1 in 5 on the test's seeded stream, which `next` draws from too. `expected` is the reference.
 */
export async function throughCrashingStack(
  name: string,
  wrap: (crash: () => boolean, next: () => number) => Pick<LocalStackOptions, "wrapIngest" | "wrapRelay">,
) {
  const city = readCity("jinan");
  const next = random(seed(name));
  const lines = conflictFree(city, 600);
  let crashes = 0;
  const crash = () => {
    if (crashes >= 20 || next() >= 0.2) return false;
    crashes++;
    return true;
  };
  const got = await throughStack(lines, { city, workers: 2, prefix: name, ...wrap(crash, next) });
  return { got, crashes, expected: reference(lines, city) };
}

export const sortBy = <T>(items: readonly T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

/**
 * The sample's registry facts (or its first `count` lines' ones) without what it rejects or dead-letters: a
 * conflict-free stream, order-free as events.md promises. The lifecycle's clock and approvals are not
 * order-free (payments.md § Order-free streams), so disorder and crash tests leave them out.
 */
export function conflictFree(city: CityPolicy, count?: number): string[] {
  const lines = sampleLines()
    .slice(0, count)
    .filter((line) => !LIFECYCLE.has(typeOf(line)));
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

/**
 * The outbox as a consumer sees it after deduplicating by id (the payouts contract: "consumers dedupe by
 * `payoutId`"): one message per id, and every delivery of an id carrying the very same message.
 */
export function byOutboxId(messages: readonly (PayoutMessage | ReleaseMessage)[]) {
  const byId = new Map<string, PayoutMessage | ReleaseMessage>();
  const conflicting: string[] = [];
  for (const m of messages) {
    const id = m.kind === "release" ? m.releaseId : m.payoutId;
    const seen = byId.get(id);
    if (seen && JSON.stringify(seen) !== JSON.stringify(m)) conflicting.push(id);
    byId.set(id, m);
  }
  return { messages: [...byId.values()], conflicting };
}

/**
 * Rejections as the contract promises them: published at least once, so compared as a set per
 * message — `source id reason detail`, each line once.
 */
export function rejectionSet(
  rejections: readonly { source: string | null; id: string | null; reason: string; detail: string }[],
): string[] {
  return [...new Set(rejections.map((r) => `${r.source} ${r.id} ${r.reason} ${r.detail}`))].sort();
}

/** Nothing lost, nothing paid twice: simulate's totals from the deduplicated outbox, no id with two bodies. */
export function expectSettled(
  got: { messages: readonly (PayoutMessage | ReleaseMessage)[] },
  expected: { messages: readonly (PayoutMessage | ReleaseMessage)[] },
  expect: (value: unknown) => { toEqual(other: unknown): void },
): void {
  const deduplicated = byOutboxId(got.messages);
  expect(deduplicated.conflicting).toEqual([]);
  expect(totals(deduplicated.messages)).toEqual(totals(expected.messages));
}

const LIFECYCLE: ReadonlySet<string> = new Set(LIFECYCLE_TYPES);

/**
 * Every item of a stack's table, nested attributes and all, each in one canonical text (keys sorted at
 * every depth), sorted: two calls are equal exactly when the table holds the same items.
 */
export async function tableItems(stack: LocalStack): Promise<string[]> {
  const { Items = [] } = await stack.dynamodb.send(
    new ScanCommand({ TableName: stack.resources.tableName, ConsistentRead: true }),
  );
  return Items.map((item) => canonicalJson(item)).sort();
}

/**
 * The treasury's worked example (payments.md § Worked example: the treasury's side), up to approval: each
 * payee confirms an account `ACCT-<alias>-1` and is certified `first`/`above` (300,000.00) on 2024-09-02, in
 * `districts[i]` if given; the preparer closes `batchId` on 09-03 and another officer approves it on 09-11,
 * the day after the window's last day — so every line is instructed at approval.
 */
export function confirmedAndApproved(
  payees: readonly string[],
  batchId: string,
  districts: readonly string[] = [],
): ScenarioEvent[] {
  return [
    { type: "clock.day", id: "d-0902", data: { date: "2024-09-02" } },
    ...payees.map(
      (alias): ScenarioEvent => ({
        type: "payee.confirmed",
        id: `confirm-${alias}`,
        data: { beneficiary: { ref: alias }, accountRef: `ACCT-${alias}-1`, confirmedOn: "2024-09-02" },
      }),
    ),
    ...payees.map((_, i) =>
      certification(i + 1, "2024-09-02", districts[i] ? { district: districts[i] } : {}),
    ),
    { type: "clock.day", id: "d-0903", data: { date: "2024-09-03" } },
    { type: "batch.closed", id: "close-1", data: { batchId, actor: "preparer" } },
    // The window: the five working days after Tuesday 3 September end on Tuesday 10 September.
    { type: "clock.day", id: "d-0911", data: { date: "2024-09-11" } },
    { type: "batch.approved", id: "approve-1", data: { batchId, actor: "approver" } },
  ];
}
