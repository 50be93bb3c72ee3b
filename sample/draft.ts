import type { FactType, RejectionReason } from "../shared/contract";
import { LIFECYCLE_DATE_FIELDS } from "../shared/contract/lifecycle";
import { chinaYearOf, type Instant, type TimeStyle } from "./calendar";
import type { Json, JsonObject } from "./json";
import type { Rng } from "./rng";

export const SOURCES = {
  "hte.certification.granted": "registry/hte-certification",
  "hte.certification.revoked": "registry/hte-certification",
  "district.target.set": "registry/district-targets",
  "carrier.accredited": "registry/carriers",
  "carrier.evaluated": "registry/carriers",
  "rd.expense.verified": "registry/tax-rd",
  "voucher.redeemed": "registry/innovation-vouchers",
  "loan.filed": "registry/risk-compensation",
  "loan.defaulted": "registry/risk-compensation",
  "loan.recovered": "registry/risk-compensation",
  "innovation-center.accredited": "registry/innovation-centres",
  "product.first-purchase.recorded": "registry/major-products",
  "tech-contract.registered": "registry/tech-market",
  "tech-contract.cancelled": "registry/tech-market",
  "transfer-institution.accredited": "registry/transfer-institutions",
  // The payment lifecycle's publishers (docs/contract/payments.md § Publishers).
  "clock.day": "clock/daily",
  "batch.closed": "staff/workbench",
  "batch.approved": "staff/workbench",
  "budget.allocated": "staff/workbench",
  "hold.released": "staff/workbench",
  "objection.filed": "office/publicity",
  "objection.resolved": "office/publicity",
  "credit.restricted": "registry/credit",
  "credit.cleared": "registry/credit",
  "payee.confirmed": "portal/payee",
  "payee.revoked": "portal/payee",
  "payee.declined": "portal/payee",
  "disbursement.paid": "treasury/payments",
  "disbursement.failed": "treasury/payments",
  "recovery.received": "treasury/payments",
} as const satisfies Record<FactType, string>;

/** The payment lifecycle's fact types: numbered and placed apart from the registries' (assemble.ts). */
export const LIFECYCLE_TYPES: ReadonlySet<FactType> = new Set(
  Object.keys(LIFECYCLE_DATE_FIELDS) as FactType[],
);

/** The situations the sample exists to exercise; the generator counts lines per case. */
export const SPECIAL_CASES = {
  "outside-policy-window": "fact dated outside 2023–2025 (zero payouts, no-policy)",
  "exact-duplicate": "same source+id+body delivered again, byte for byte",
  "duplicate-reordered-keys": "same source+id+body again, keys in another order",
  "duplicate-money-format": 'same source+id+body again, "1000.00" for "1000"',
  "duplicate-utc-time": "same source+id+body again, the same instant written in Z",
  "duplicate-extension-only": "same source+id+body again, differing only in an ignored extension attribute",
  "resend-new-id": "fact re-sent under a new message id, same data",
  "target-replaced": "district target replaced by a later time",
  "stale-replacement": "older replacing fact delivered after the newer one (changes nothing)",
  "rd-correction": "rd.expense.verified corrected by a later message (figure or category)",
  "loan-default-update": "loan.defaulted cumulative update",
  "loan-default-zeroed": 'loan.defaulted corrected to "0"',
  "loan-recovery": "loan.recovered (cumulative; updates included)",
  "carrier-rerated": "carrier.evaluated re-rated by a later message",
  revocation: "hte.certification.revoked naming a granted certificate",
  cancellation: "tech-contract.cancelled naming a registered contract",
  "dependent-before-original": "dependent delivered a few lines before its original (waits, then applies)",
  "orphan-dependent": "dependent whose original never arrives (ends as a dead letter)",
  "backfilled-original": "original published late, together with its dependent",
  "purchase-after-filing": "first purchase after productFiledUntil (accepted, pays nothing)",
  "corrected-resend-same-id": "corrected resend reusing the id of a rejected message",
  rejected: "invalid message (one reason each, see below)",
} as const;

export type SpecialCase = keyof typeof SPECIAL_CASES;

/** The reason the contract gives for rejecting a designed invalid message, and what is wrong with it. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly what: string;
}

/** Where a message sits in the file: by its time, or a few lines before or after another message. */
export type Placement =
  | { readonly kind: "time" }
  | { readonly kind: "before" | "after"; readonly anchor: Draft; readonly lines: number };

/** How a redelivery rewrites its original's text without changing its body. */
export type RenderVariant = "plain" | "reordered-keys" | "full-money" | "utc-time";

/** Optional envelope attributes, chosen once per message so redeliveries repeat them. */
export interface EnvelopeExtras {
  readonly subject?: string;
  readonly datacontenttype?: string;
  readonly traceparent?: string;
}

/** What a message id is made of: `<prefix>-<zero-padded sequence>`, numbered in time order. */
export interface IdScheme {
  readonly prefix: string;
  readonly width: number;
}

export interface Draft {
  /** Creation order: the tie-break when two messages share a time. */
  readonly seq: number;
  readonly type: FactType;
  readonly data: JsonObject;
  readonly time: Instant;
  readonly style: TimeStyle;
  readonly extras: EnvelopeExtras;
  /** The year of the fact date, for the stats. */
  readonly factYear: number;
  readonly idScheme: IdScheme;
  /** Reuse another message's id (redeliveries, conflicting duplicates, corrected resends). */
  readonly idOf?: Draft;
  readonly placement: Placement;
  readonly variant: RenderVariant;
  readonly cases: readonly SpecialCase[];
  readonly rejection?: Rejection;
  /** Last-step edits to the envelope or the text, for messages that are wrong outside `data`. */
  readonly envelopeEdit?: (envelope: Record<string, Json>) => void;
  readonly textEdit?: (text: string) => string;
}

export type DraftInput = Omit<
  Draft,
  "seq" | "style" | "extras" | "placement" | "variant" | "cases" | "idScheme" | "idOf"
> & {
  readonly idScheme?: IdScheme;
  readonly idOf?: Draft;
  readonly style?: TimeStyle;
  readonly extras?: EnvelopeExtras;
  readonly placement?: Placement;
  readonly variant?: RenderVariant;
  readonly cases?: readonly SpecialCase[];
};

const STYLES: readonly (readonly [TimeStyle, number])[] = [
  ["offset", 84],
  ["offset-ms", 6],
  ["utc", 6],
  ["utc-ms", 3],
  ["offset-us", 1],
];

/** Collects every message of the sample in creation order. */
export class DraftBook {
  readonly drafts: Draft[] = [];
  readonly #rng: Rng;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  get size(): number {
    return this.drafts.length;
  }

  add(input: DraftInput): Draft {
    const style = input.style ?? this.#rng.weighted(STYLES);
    const wholeSeconds = style === "offset" || style === "utc";
    const time = wholeSeconds ? Math.floor(input.time / 1000) * 1000 : input.time;
    const cases = [...(input.cases ?? [])];
    if ((input.factYear < 2023 || input.factYear > 2025) && !input.rejection)
      cases.push("outside-policy-window");
    if (input.rejection) cases.push("rejected");
    const draft: Draft = {
      ...input,
      seq: this.drafts.length,
      time,
      style,
      extras: input.extras ?? this.#extras(input.type, input.data),
      idScheme: input.idScheme ?? defaultIdScheme(input.type, time),
      placement: input.placement ?? { kind: "time" },
      variant: input.variant ?? "plain",
      cases,
    };
    this.drafts.push(draft);
    return draft;
  }

  /** Each registry's habits: the certification registry and the tech market name the subject, etc. */
  #extras(type: FactType, data: JsonObject): EnvelopeExtras {
    const source = SOURCES[type];
    const subject =
      source === "registry/hte-certification"
        ? data.certificateNo
        : source === "registry/tech-market"
          ? data.contractNo
          : undefined;
    const contentType = this.#rng.weighted<string | undefined>([
      ["application/json", 80],
      ["application/json; charset=utf-8", 12],
      [undefined, 8],
    ]);
    const traceparent =
      source === "registry/innovation-vouchers" && this.#rng.chance(0.3)
        ? traceparentOf(this.#rng)
        : undefined;
    return {
      ...(typeof subject === "string" ? { subject } : {}),
      ...(contentType ? { datacontenttype: contentType } : {}),
      ...(traceparent ? { traceparent } : {}),
    };
  }

  traceparent(): string {
    return traceparentOf(this.#rng);
  }
}

function traceparentOf(rng: Rng): string {
  return `00-${rng.chars("0123456789abcdef", 32)}-${rng.chars("0123456789abcdef", 16)}-01`;
}

const ID_PREFIX: Record<FactType, readonly [string, number]> = {
  "hte.certification.granted": ["CERT", 5],
  "hte.certification.revoked": ["REVK", 5],
  "district.target.set": ["TGT", 2],
  "carrier.accredited": ["CARR-ACC", 4],
  "carrier.evaluated": ["CARR-EVAL", 4],
  "rd.expense.verified": ["RD", 6],
  "voucher.redeemed": ["VCH", 6],
  "loan.filed": ["RC-FILE", 5],
  "loan.defaulted": ["RC-NPL", 5],
  "loan.recovered": ["RC-REC", 5],
  "innovation-center.accredited": ["ICA", 4],
  "product.first-purchase.recorded": ["FPR", 4],
  "tech-contract.registered": ["TCR", 6],
  "tech-contract.cancelled": ["TCC", 5],
  "transfer-institution.accredited": ["TIA", 4],
  "clock.day": ["CLK", 4],
  "batch.closed": ["BCL", 4],
  "batch.approved": ["BAP", 4],
  "budget.allocated": ["BGT", 3],
  "hold.released": ["HLD", 4],
  "objection.filed": ["OBJ", 4],
  "objection.resolved": ["OBR", 4],
  "credit.restricted": ["CRR", 4],
  "credit.cleared": ["CRC", 4],
  "payee.confirmed": ["PYC", 5],
  "payee.revoked": ["PYR", 4],
  "payee.declined": ["PYD", 4],
  "disbursement.paid": ["DSP", 5],
  "disbursement.failed": ["DSF", 4],
  "recovery.received": ["RCV", 4],
};

/** `<TYPE>-<year published>`; scopes (a district, a target year) are added by the caller. */
export function defaultIdScheme(type: FactType, time: Instant, scope?: string): IdScheme {
  const [prefix, width] = ID_PREFIX[type];
  return { prefix: `${prefix}-${chinaYearOf(time)}${scope ? `-${scope}` : ""}`, width };
}
