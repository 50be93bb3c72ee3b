import type { AnyMessage } from "../contract";
import { type DecideContext, decide } from "./decide";
import type { Decision, Item } from "./items";

/** Rounds of loading: the receipt and facts, then the units they feed, then budgets. */
const MAX_ROUNDS = 4;

/**
 * Decides a message, loading what `decide` asks for until it can decide. The same loop serves the
 * in-memory ledger (synchronous reads) and DynamoDB (a BatchGetItem per round).
 */
export async function decideLoading(
  message: AnyMessage,
  context: DecideContext,
  load: (keys: readonly string[]) => Promise<ReadonlyMap<string, Item>>,
): Promise<Decision> {
  const snapshot = new Map<string, Item | null>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = decide(message, snapshot, context);
    if ("decision" in step) return step.decision;
    const loaded = await load(step.needs);
    for (const key of step.needs) snapshot.set(key, loaded.get(key) ?? null);
  }
  throw new Error(
    `decide asked for more than ${MAX_ROUNDS} rounds of reads for ${message.type} ${message.id}`,
  );
}

export function decideNow(
  message: AnyMessage,
  context: DecideContext,
  get: (key: string) => Item | undefined,
): Decision {
  const snapshot = new Map<string, Item | null>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = decide(message, snapshot, context);
    if ("decision" in step) return step.decision;
    for (const key of step.needs) snapshot.set(key, get(key) ?? null);
  }
  throw new Error(
    `decide asked for more than ${MAX_ROUNDS} rounds of reads for ${message.type} ${message.id}`,
  );
}
