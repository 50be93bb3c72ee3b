import { fullYuan } from "./amounts";
import { formatInstant, utcStyleOf } from "./calendar";
import { type Draft, SOURCES } from "./draft";
import { type Json, reverseKeys, rewriteStrings } from "./json";
import { MONEY_FIELDS } from "./redeliveries";
import type { Rng } from "./rng";

export interface Line {
  readonly draft: Draft;
  readonly text: string;
}

/** Numbers the messages, orders them for delivery and writes each as one line of JSON. */
export function assemble(drafts: readonly Draft[], rng: Rng): Line[] {
  const ids = assignIds(drafts, rng);
  return deliveryOrder(drafts).map((draft) => {
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
