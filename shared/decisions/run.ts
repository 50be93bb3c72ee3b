import type { AnyMessage } from "../contract";
import { type DecideContext, decide } from "./decide";
import { DecisionRoundsExceededError } from "./errors";
import type { Decision, Item } from "./items";
import { type ItemKey, keyId } from "./keys";

/** Rounds of loading: the receipt and facts, then the units they feed, then budgets. */
const MAX_ROUNDS = 4;

/**
 * The one loader loop: decide, load what it asks for, decide again. A generator, so the in-memory
 * ledger drives it synchronously and DynamoDB with a consistent BatchGetItem per round.
 */
function* deciding(
  message: AnyMessage,
  context: DecideContext,
): Generator<ItemKey[], Decision, Map<string, Item>> {
  const snapshot = new Map<string, Item | null>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = decide(message, snapshot, context);
    if ("decision" in step) return step.decision;
    const found = yield step.needs;
    for (const key of step.needs) snapshot.set(keyId(key), found.get(keyId(key)) ?? null);
  }
  throw new DecisionRoundsExceededError(
    `decide asked for more than ${MAX_ROUNDS} rounds of reads for ${message.type} ${message.id}`,
  );
}

/** Loaded items by `keyId`. */
export type Load<R> = (keys: readonly ItemKey[]) => R;

export function decideNow(
  message: AnyMessage,
  context: DecideContext,
  load: Load<Map<string, Item>>,
): Decision {
  const steps = deciding(message, context);
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(load(step.value));
  }
}

export async function decideLoading(
  message: AnyMessage,
  context: DecideContext,
  load: Load<Promise<Map<string, Item>>>,
): Promise<Decision> {
  const steps = deciding(message, context);
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(await load(step.value));
  }
}
