import type { AnyMessage, LifecycleType } from "../../contract";
import type { CityPolicy } from "../../policy/city";
import type { NoPayoutReason, Snapshot } from "../items";
import { type ItemKey, keys } from "../keys";
import { missing, type Need } from "../snapshot";
import type { ClockItem } from "./items";
import {
  type LifecycleMessage,
  OUTBOX_QUEUES,
  type OutboxItem,
  type OutboxKind,
  shortHash,
} from "./messages";
import type { Settled } from "./settle";
import type { WorkingSet } from "./working-set";

/** What a lifecycle fact's step comes to: more to read, a wait, a rejection, or its effect. */
export type Outcome =
  | { needs: Need[] }
  | { waiting: { key: ItemKey; detail: string } }
  | { rejected: string }
  | { effect: Effect };

export interface Effect {
  ws: WorkingSet;
  messages: LifecycleMessage[];
  /** Accepted, changing nothing (an older clock day): said on the receipt. */
  reason?: NoPayoutReason;
}

export interface LifecycleContext {
  city: CityPolicy;
  now: string;
}

export type LifecycleHandler<T extends LifecycleType> = (
  message: AnyMessage & { type: T },
  snapshot: Snapshot,
  context: LifecycleContext,
) => Outcome;

/** Anything still to read, as an outcome; `undefined` when everything is loaded. */
export function needing(snapshot: Snapshot, wanted: readonly Need[]): Outcome | undefined {
  const needs = missing(snapshot, wanted);
  return needs.length ? { needs } : undefined;
}

/** The ledger's date; a staff act before the first `clock.day` waits for it. */
export function todayOrWait(ws: WorkingSet): string | { waiting: { key: ItemKey; detail: string } } {
  const clock = ws.read(keys.clock(), "clock") as ClockItem | null;
  return clock?.today ?? { waiting: { key: keys.clock(), detail: "waits for the ledger's first clock.day" } };
}

export function effect(ws: WorkingSet, settled: Settled | undefined, ...more: LifecycleMessage[]): Outcome {
  return {
    effect: { ws, messages: [...more, ...(settled?.notices ?? []), ...(settled?.instructions ?? [])] },
  };
}

/** The messages of one fact as outbox items: one per kind and partition. */
export function outboxOf(messages: readonly LifecycleMessage[], factId: string): OutboxItem[] {
  const groups = new Map<string, OutboxItem>();
  for (const message of messages) {
    const kind = kindOf(message);
    const { period, program } = partitionOf(message);
    const key = keys.outbox(period, program, kind, shortHash(factId, kind));
    const id = `${key.pk}|${key.sk}`;
    const group = groups.get(id) ?? { entity: "outbox" as const, key, kind, messages: [] };
    group.messages.push(message);
    groups.set(id, group);
  }
  return [...groups.values()];
}

function kindOf(message: LifecycleMessage): OutboxKind {
  const kinds: Record<LifecycleMessage["kind"], OutboxKind> = {
    "publicity-list": "publicity",
    "payment-notice": "notices",
    "payment-instruction": "instructions",
    "receivable-overdue": "receivables",
    release: "releases",
  };
  const kind = kinds[message.kind];
  if (!(kind in OUTBOX_QUEUES)) throw new Error(`no queue for ${message.kind}`);
  return kind;
}

function partitionOf(message: LifecycleMessage): { period: number; program: string } {
  return { period: message.period, program: message.program };
}
