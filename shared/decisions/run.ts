import type { AnyMessage } from "../contract";
import { type DecideContext, decide } from "./decide";
import { DecisionRoundsExceededError } from "./errors";
import type { Decision, Item, Snapshot } from "./items";
import { type ItemKey, keyId } from "./keys";
import { isCollection, type Need, needId } from "./snapshot";

/** Rounds of loading: at most this many; a fact's steps need fewer. */
const MAX_ROUNDS = 8;

/** What a ledger answers for a round of needs: the items found, by `keyId`, and each collection's keys. */
export interface Loaded {
  items: Map<string, Item>;
  collections: Map<string, ItemKey[]>;
}

/**
 * The one loader loop: decide, load what it asks for, decide again. A generator, so the in-memory
 * ledger drives it synchronously and DynamoDB with a consistent BatchGetItem (and Query) per round.
 */
function* deciding(message: AnyMessage, context: DecideContext): Generator<Need[], Decision, Loaded> {
  const snapshot = new Map<string, Item | null | readonly ItemKey[]>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = decide(message, snapshot, context);
    if ("decision" in step) return step.decision;
    const found = yield step.needs;
    for (const need of step.needs) {
      if (!isCollection(need)) {
        snapshot.set(keyId(need), found.items.get(keyId(need)) ?? null);
        continue;
      }
      const members = found.collections.get(needId(need)) ?? [];
      for (const key of members) snapshot.set(keyId(key), found.items.get(keyId(key)) ?? null);
      snapshot.set(needId(need), members);
    }
  }
  throw new DecisionRoundsExceededError(
    `decide asked for more than ${MAX_ROUNDS} rounds of reads for ${message.type} ${message.id}`,
  );
}

export type Load<R> = (needs: readonly Need[]) => R;

/**
 * Deciding over a snapshot that already answers every key (the in-memory ledger's own items): a step asks
 * only for collections, which `load` adds to it. One decide per fact instead of one per round of reads.
 */
export function decideOver(
  message: AnyMessage,
  context: DecideContext,
  snapshot: Snapshot,
  load: Load<void>,
): Decision {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const step = decide(message, snapshot, context);
    if ("decision" in step) return step.decision;
    load(step.needs);
  }
  throw new DecisionRoundsExceededError(
    `decide asked for more than ${MAX_ROUNDS} rounds of reads for ${message.type} ${message.id}`,
  );
}

export function decideNow(message: AnyMessage, context: DecideContext, load: Load<Loaded>): Decision {
  const steps = deciding(message, context);
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(load(step.value));
  }
}

export async function decideLoading(
  message: AnyMessage,
  context: DecideContext,
  load: Load<Promise<Loaded>>,
): Promise<Decision> {
  const steps = deciding(message, context);
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(await load(step.value));
  }
}
