/**
 * The ledger's key model, declared once for writes and queries (as electrodb declares an entity): every
 * item kind's partition and sort key, the index keys finance reads by, and the table definition the CDK
 * construct declares and the local stack reads back from the synthesised template. Nothing else builds a
 * key string, and no code recovers a key by parsing another: items carry their key.
 *
 *   item      pk                                    sk                 indexes
 *   receipt   receipt#<source>#<id>                 receipt            —
 *   fact      fact#<type>#<natural key>             fact               —
 *   unit      unit#<version>#<program>#<unit key>   unit               —
 *   budget    budget#<version>#<program>#<period>   budget             —
 *   payout    ledger#<period>#<program>             payout#<payoutId>  byPeriodStatus, byBeneficiary
 *   release   ledger#<period>#<program>             release#<releaseId>
 *   series    ledger#<period>#<program>             series             (the batches' cut-off days)
 *   batch     ledger#<period>#<program>             batch#<seq>
 *   line      ledger#<period>#<program>             line#<opened on>#<hash>  byBeneficiary
 *   receivable ledger#<period>#<program>            receivable#<kind>#<id>
 *   outbox    ledger#<period>#<program>             outbox#<kind>#<id> (lists, notices, instructions)
 *   beneficiary beneficiary#<kind>#<id>             beneficiary        —
 *   history   beneficiary#<kind>#<id>               history#<fact time>#<source>#<id>  (what each fact did to it)
 *   clock     clock                                 clock              (the ledger's date)
 *   agenda    agenda                                agenda             (what the clock must look at)
 *
 * A period's money for one program shares one partition (`ledger#<period>#<program>`), so one strongly
 * consistent query reads all of it — what reconciliation needs, and no index could give.
 */
import { type FactType, NOT_YET_OPENED_ON } from "../contract";
import type { Beneficiary } from "../policy/parties";

/** Where an item lives: its partition and sort key. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A key as one string, for maps of loaded items (never parsed back: items carry their key). */
export function keyId(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

const enc = encodeURIComponent;

/** The partition holding one program's money for one period. */
export function ledgerPartition(period: number, program: string): string {
  return `ledger#${period}#${program}`;
}

export const keys = {
  receipt: (source: string, id: string): ItemKey => ({
    pk: `receipt#${enc(source)}#${enc(id)}`,
    sk: "receipt",
  }),
  fact: (type: FactType, naturalKey: string): ItemKey => ({
    pk: `fact#${type}#${enc(naturalKey)}`,
    sk: "fact",
  }),
  unit: (policyVersion: string, programId: string, unitKey: string): ItemKey => ({
    pk: `unit#${policyVersion}#${programId}#${enc(unitKey)}`,
    sk: "unit",
  }),
  budget: (policyVersion: string, programId: string, period: number): ItemKey => ({
    pk: `budget#${policyVersion}#${programId}#${period}`,
    sk: "budget",
  }),
  payout: (p: { period: number; program: string; payoutId: string }): ItemKey => ({
    pk: ledgerPartition(p.period, p.program),
    sk: `payout#${p.payoutId}`,
  }),
  release: (r: { period: number; program: string; releaseId: string }): ItemKey => ({
    pk: ledgerPartition(r.period, r.program),
    sk: `release#${r.releaseId}`,
  }),
  clock: (): ItemKey => ({ pk: "clock", sk: "clock" }),
  agenda: (): ItemKey => ({ pk: "agenda", sk: "agenda" }),
  series: (period: number, program: string): ItemKey => ({
    pk: ledgerPartition(period, program),
    sk: "series",
  }),
  batch: (period: number, program: string, seq: number): ItemKey => ({
    pk: ledgerPartition(period, program),
    sk: `batch#${String(seq).padStart(4, "0")}`,
  }),
  /** By the day it opened, so a batch's lines (opened in its window of days) are one key range. */
  line: (l: { period: number; program: string; openedOn: string | null; hash: string }): ItemKey => ({
    pk: ledgerPartition(l.period, l.program),
    sk: `line#${l.openedOn ?? NOT_YET_OPENED_ON}#${l.hash}`,
  }),
  receivable: (period: number, program: string, b: Pick<Beneficiary, "kind" | "id">): ItemKey => ({
    pk: ledgerPartition(period, program),
    sk: `receivable#${b.kind}#${enc(b.id)}`,
  }),
  outbox: (period: number, program: string, kind: string, id: string): ItemKey => ({
    pk: ledgerPartition(period, program),
    sk: `outbox#${kind}#${enc(id)}`,
  }),
  beneficiary: (b: Pick<Beneficiary, "kind" | "id">): ItemKey => ({
    pk: beneficiaryPartition(b),
    sk: "beneficiary",
  }),
  /**
   * What one fact did to one beneficiary, beside its beneficiary item: by the fact's canonical UTC `time`
   * (fixed width, so string order is time order), then its `(source, id)` — keys that depend on the facts
   * alone, never on the order they arrived in or a clock (workbench.md § Trace).
   */
  history: (
    b: Pick<Beneficiary, "kind" | "id">,
    fact: { time: string; source: string; id: string },
  ): ItemKey => ({
    pk: beneficiaryPartition(b),
    sk: `${HISTORY_PREFIX}${fact.time}#${enc(fact.source)}#${enc(fact.id)}`,
  }),
};

/** The partition of one beneficiary: its lifecycle item and its history. */
export function beneficiaryPartition(b: Pick<Beneficiary, "kind" | "id">): string {
  return `beneficiary#${b.kind}#${enc(b.id)}`;
}

export const HISTORY_PREFIX = "history#";

/**
 * A set of items read together by one consistent query: a partition's sort keys under a prefix, and, when
 * `skBetween` is given, only those from its first key up to its second (inclusive, as DynamoDB's BETWEEN).
 */
export interface ItemCollection {
  readonly pk: string;
  readonly skPrefix: string;
  readonly skBetween?: readonly [string, string];
}

export const collections = {
  /**
   * The lines of a program's period opened on days `from` ≤ day < `before`: a batch's lines. `line#<before>`
   * sorts after every line of the day before and before every line of `before` itself (they go on `#hash`).
   */
  linesOpened: (period: number, program: string, from: string, before: string): ItemCollection => ({
    pk: ledgerPartition(period, program),
    skPrefix: "line#",
    skBetween: [`line#${from}`, `line#${before}`],
  }),
  /** A beneficiary's history items, in the order of the facts' times: what the trace reads. */
  history: (b: Pick<Beneficiary, "kind" | "id">): ItemCollection => ({
    pk: beneficiaryPartition(b),
    skPrefix: HISTORY_PREFIX,
  }),
  /** Everything of one program's period: what reconciliation reads. */
  period: (period: number, program: string): ItemCollection => ({
    pk: ledgerPartition(period, program),
    skPrefix: "",
  }),
};

export function collectionId(collection: ItemCollection): string {
  const range = collection.skBetween ? `[${collection.skBetween.join("..")}]` : "";
  return `${collection.pk}\u0000${collection.skPrefix}*${range}`;
}

/** Whether a sort key belongs to a collection of its partition (the in-memory ledger's query). */
export function inCollection(collection: ItemCollection, sk: string): boolean {
  if (!sk.startsWith(collection.skPrefix)) return false;
  const range = collection.skBetween;
  return !range || (sk >= range[0] && sk <= range[1]);
}

/** The table: key attributes, the version attribute conditions test, and finance's two indexes. */
export const LEDGER_TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  version: "version",
  /** New images of every write: the relay reads outbox inserts from it. */
  stream: "NEW_IMAGE",
  indexes: {
    /** Payouts of a period by budget status, then program and time: what budget release reads. */
    byPeriodStatus: { name: "byPeriodStatus", pk: "gsi1pk", sk: "gsi1sk" },
    /** Everything of one beneficiary, by period and program: a beneficiary's history. */
    byBeneficiary: { name: "byBeneficiary", pk: "gsi2pk", sk: "gsi2sk" },
  },
} as const;

export type IndexName = keyof typeof LEDGER_TABLE.indexes;

/** The index keys of a payout item (status moves: a held payout released becomes payable). */
export function payoutIndexKeys(p: {
  period: number;
  status: string;
  program: string;
  computedAt: string;
  payoutId: string;
  beneficiary: Beneficiary;
}): Record<string, string> {
  const { byPeriodStatus, byBeneficiary } = LEDGER_TABLE.indexes;
  return {
    [byPeriodStatus.pk]: periodStatusKey(p.period, p.status),
    [byPeriodStatus.sk]: `${p.program}#${p.computedAt}#${p.payoutId}`,
    [byBeneficiary.pk]: beneficiaryKey(p.beneficiary),
    [byBeneficiary.sk]: `${p.period}#${p.program}#${p.computedAt}#${p.payoutId}`,
  };
}

/** byPeriodStatus partition: a period's payouts in one budget status. */
export function periodStatusKey(period: number, status: string): string {
  return `${period}#${status}`;
}

/** byBeneficiary partition: one beneficiary. */
export function beneficiaryKey(b: Pick<Beneficiary, "kind" | "id">): string {
  return `${b.kind}#${b.id}`;
}
