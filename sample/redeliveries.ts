import type { FactType } from "../shared/contract";
import { type Instant, later } from "./calendar";
import type { Draft, DraftBook, RenderVariant, SpecialCase } from "./draft";
import type { Rng } from "./rng";

/** Money fields, at any depth of `data`. */
export const MONEY_FIELDS: ReadonlySet<string> = new Set([
  "rdExpense",
  "superDeduction",
  "eligibleSpend",
  "principal",
  "nonPerformingPrincipal",
  "recovered",
  "invoiceAmount",
  "amount",
]);

/** Same (source, id), same body, different text: [variant, case, how many]. */
const SAME_ID: readonly (readonly [RenderVariant, SpecialCase, number])[] = [
  ["plain", "exact-duplicate", 3],
  ["reordered-keys", "duplicate-reordered-keys", 2],
  ["full-money", "duplicate-money-format", 2],
  ["utc-time", "duplicate-utc-time", 2],
  ["plain", "duplicate-extension-only", 1],
];
/** Non-replacing types a registry re-sends under a new id (a replacing type would take the newer time). */
const RESENT: readonly FactType[] = [
  "hte.certification.granted",
  "voucher.redeemed",
  "tech-contract.registered",
  "loan.filed",
  "innovation-center.accredited",
  "product.first-purchase.recorded",
];

export const REDELIVERY_COUNT = SAME_ID.reduce((sum, [, , n]) => sum + n, 0) + RESENT.length;

/** Redeliveries of accepted messages: the queue's at-least-once copies and the registries' resends. */
export function redeliver(rng: Rng, book: DraftBook): void {
  const eligible = candidates(book.drafts);
  for (const [variant, label, count] of SAME_ID) {
    const pool = eligible.filter((d) => fits(d, variant));
    for (const original of rng.sample(pool, count)) {
      book.add({
        type: original.type,
        data: original.data,
        time: original.time,
        style: original.style,
        extras:
          label === "duplicate-extension-only"
            ? { ...original.extras, traceparent: book.traceparent() }
            : original.extras,
        factYear: original.factYear,
        idOf: original,
        placement: { kind: "after", anchor: original, lines: rng.int(1, 20) },
        variant,
        cases: [label],
      });
    }
  }
  for (const type of RESENT) {
    const original = rng.pick(eligible.filter((d) => d.type === type));
    book.add({
      type,
      data: original.data,
      time: resendTime(rng, original.time),
      factYear: original.factYear,
      cases: ["resend-new-id"],
    });
  }
}

/** Accepted, time-placed messages that nothing else is placed against. */
function candidates(drafts: readonly Draft[]): Draft[] {
  const anchors = new Set<Draft>();
  for (const d of drafts) if (d.placement.kind !== "time") anchors.add(d.placement.anchor);
  return drafts.filter(
    (d) => d.placement.kind === "time" && !d.idOf && !d.rejection && d.cases.length === 0 && !anchors.has(d),
  );
}

function fits(draft: Draft, variant: RenderVariant): boolean {
  if (variant === "utc-time") return draft.style === "offset";
  if (variant !== "full-money") return true;
  return Object.entries(draft.data).some(
    ([key, value]) => MONEY_FIELDS.has(key) && typeof value === "string" && !value.includes("."),
  );
}

function resendTime(rng: Rng, time: Instant): Instant {
  return later(rng, time, 60 * 24 * 3, 60 * 24 * 40);
}
