import { fullYuan } from "./amounts";
import { formatInstant, utcStyleOf } from "./calendar";
import { type Draft, LIFECYCLE_TYPES, SOURCES } from "./draft";
import { type Json, reverseKeys, rewriteStrings } from "./json";
import { MONEY_FIELDS } from "./redeliveries";
import type { Rng } from "./rng";

export interface Line {
  readonly draft: Draft;
  readonly text: string;
}

/** Numbers the messages, orders them for delivery and writes each as one line of JSON. */
export function assemble(drafts: readonly Draft[], rng: Rng): Line[] {
  const registry = drafts.filter((d) => !isLifecycle(d));
  const lifecycle = drafts.filter(isLifecycle);
  const ids = assignIds(registry, rng);
  for (const [draft, id] of numberInOrder(lifecycle)) ids.set(draft, id);
  return mergeByTime(deliveryOrder(registry), [...lifecycle].sort(byTime)).map((draft) => {
    const id = ids.get(draft.idOf ?? draft);
    if (id === undefined) throw new Error(`message ${draft.seq} has no id`);
    return { draft, text: render(draft, id) };
  });
}

const byTime = (a: Draft, b: Draft): number => a.time - b.time || a.seq - b.seq;

/** Registries number their messages in publication order: `<prefix>-<sequence>`, with gaps. */
function assignIds(drafts: readonly Draft[], rng: Rng): Map<Draft, string> {
  const next = new Map<string, number>();
  const ids = new Map<Draft, string>();
  for (const draft of [...drafts].sort(byTime)) {
    if (draft.idOf) continue;
    const { prefix, width } = draft.idScheme;
    const short = width <= 2;
    const current = next.get(prefix) ?? (short ? 1 : rng.int(1, 60));
    next.set(prefix, current + (short ? 1 : rng.int(1, 3)));
    ids.set(draft, `${prefix}-${String(current).padStart(width, "0")}`);
  }
  return ids;
}

/**
 * Lifecycle facts (clock, staff, publicity office, credit, portal, treasury) are numbered and placed
 * apart from the registries' facts, so adding them leaves every registry line — its id, and so every
 * payout's cause — exactly as it was.
 */
function isLifecycle(draft: Draft): boolean {
  return LIFECYCLE_TYPES.has(draft.type);
}

/** Those publishers number without gaps: `<prefix>-<n>` from 1, in time order. */
function numberInOrder(drafts: readonly Draft[]): Map<Draft, string> {
  const next = new Map<string, number>();
  const ids = new Map<Draft, string>();
  for (const draft of [...drafts].sort(byTime)) {
    const { prefix, width } = draft.idScheme;
    const current = next.get(prefix) ?? 1;
    next.set(prefix, current + 1);
    ids.set(draft, `${prefix}-${String(current).padStart(width, "0")}`);
  }
  return ids;
}

/** `timed` (sorted by time) slotted into `order` before the first line published after it. */
function mergeByTime(order: readonly Draft[], timed: readonly Draft[]): Draft[] {
  const out: Draft[] = [];
  let next = 0;
  for (const draft of order) {
    for (; next < timed.length && (timed[next] as Draft).time < draft.time; next++)
      out.push(timed[next] as Draft);
    out.push(draft);
  }
  return [...out, ...timed.slice(next)];
}

/** By time, then each relatively placed message a few lines before or after its anchor. */
function deliveryOrder(drafts: readonly Draft[]): Draft[] {
  const order = drafts.filter((d) => d.placement.kind === "time").sort(byTime);
  for (const draft of drafts) {
    const { placement } = draft;
    if (placement.kind === "time") continue;
    const at = order.indexOf(placement.anchor);
    if (at < 0) throw new Error(`message ${draft.seq} is placed against a message not yet placed`);
    const index =
      placement.kind === "before"
        ? Math.max(0, at - placement.lines)
        : Math.min(order.length, at + 1 + placement.lines);
    order.splice(index, 0, draft);
  }
  return order;
}

function render(draft: Draft, id: string): string {
  const { subject, datacontenttype, traceparent } = draft.extras;
  const style = draft.variant === "utc-time" ? utcStyleOf(draft.style) : draft.style;
  const envelope: Record<string, Json> = {
    specversion: "1.0",
    id,
    source: SOURCES[draft.type],
    type: draft.type,
    ...(subject === undefined ? {} : { subject }),
    time: formatInstant(draft.time, style),
    city: "jinan",
    ...(datacontenttype === undefined ? {} : { datacontenttype }),
    ...(traceparent === undefined ? {} : { traceparent }),
    data: draft.variant === "full-money" ? rewriteStrings(draft.data, MONEY_FIELDS, fullYuan) : draft.data,
  };
  draft.envelopeEdit?.(envelope);
  const text = JSON.stringify(draft.variant === "reordered-keys" ? reverseKeys(envelope) : envelope);
  return draft.textEdit ? draft.textEdit(text) : text;
}
