import { type AnyMessage, type FactType, isLifecycleType, type LifecycleType } from "../contract";
import type { Fen } from "../money";
import type { CityPolicy } from "../policy/city";
import { type Beneficiary, PARTY_ROLES } from "../policy/parties";
import type { Item, NoPayoutReason, Snapshot, VersionedItem, VersionedPut } from "./items";
import { type ItemKey, keyId, keys } from "./keys";
import type { LineItem } from "./lifecycle/items";
import type { LineState } from "./lifecycle/state";
import { lineViewKeys, refOf, statusIn } from "./lifecycle/view";
import { WorkingSet } from "./lifecycle/working-set";
import type { PayoutMessage } from "./payouts";
import { missing } from "./snapshot";
import type { Recomputed } from "./units";

/**
 * What one fact did to one beneficiary, written in the fact's own transaction beside the beneficiary item
 * (workbench.md § Trace): the fact as it arrived, every unit of the beneficiary it recomputed (entitlement
 * before → after), the payouts it emitted with their explanations, why it paid nothing, and each of the
 * beneficiary's lines whose state or amount it moved. Units, lines and facts are replaced in place; these
 * items are written once (their key must be absent) and never change, so the trace reads them as history.
 */
export interface HistoryItem {
  entity: "history";
  key: ItemKey;
  beneficiary: Pick<Beneficiary, "kind" | "id"> & { name?: string };
  fact: { type: FactType; source: string; id: string; time: string; naturalKey: string; data: unknown };
  /** Why this beneficiary got nothing from it: the receipt's reason, or `unchanged` (recomputed, same amount). */
  reason?: NoPayoutReason | "unchanged";
  units?: HistoryUnit[];
  payouts?: HistoryPayout[];
  lines?: HistoryLine[];
  receivables?: HistoryReceivable[];
}

export interface HistoryUnit {
  policyVersion: string;
  program: string;
  unitKey: string;
  label?: string;
  /** The unit's version after this fact: its changes in the order the ledger decided them. */
  version: number;
  /**
   * The kind's working for the entitlement after this fact, when no payout of this item states it: a
   * payout's explanation begins with its unit's working, so it is not kept twice.
   */
  formula?: string;
  periods: { period: number; beforeFen: Fen; afterFen: Fen }[];
}

export interface HistoryPayout {
  payoutId: string;
  program: string;
  period: number;
  amountFen: Fen;
  status: PayoutMessage["status"];
  /** The payout message's explanation, exactly as sent. */
  explanation: string;
}

/** A line this fact moved: its derived state before and after (`null`: absent, or unreadable here). */
export interface HistoryLine {
  lineId: string;
  from: LineState | null;
  to: LineState | null;
  /** What is left to pay after this fact. */
  amountFen: Fen;
}

export interface HistoryReceivable {
  program: string;
  period: number;
  owedBeforeFen: Fen;
  owedAfterFen: Fen;
}

/**
 * Facts that act on whole batches (and the clock, which closes them and passes their deadlines): their
 * effect on a line is latched on its batch item with the day and the actor, never undone, so the trace reads
 * it there through the line's batch — one history item per line's beneficiary could pass a transaction's 100
 * actions (a batch of 500 lines approved at once).
 */
export const BATCH_WIDE: readonly LifecycleType[] = [
  "batch.closed",
  "batch.approved",
  "clock.day",
  "budget.allocated",
];

export interface HistoryInput {
  message: AnyMessage;
  naturalKey: string;
  snapshot: Snapshot;
  puts: readonly VersionedPut<VersionedItem>[];
  city: CityPolicy;
  /** The units the fact recomputed (an entitlement fact). */
  units?: readonly Recomputed[];
  payouts?: readonly PayoutMessage[];
  reason?: NoPayoutReason;
  /** Facts whose parties stand for the message's when it names none (a revocation: the fact it revokes). */
  related?: readonly { type: FactType; data: unknown }[];
}

/** One history item per beneficiary the fact touched (none for a batch-wide fact). */
export function historyOf(context: { history?: boolean }, input: HistoryInput): HistoryItem[] {
  const { message } = input;
  if (context.history === false) return [];
  if (isLifecycleType(message.type) && BATCH_WIDE.includes(message.type)) return [];
  // What the decision loaded, copied before anything here asks the snapshot more: line states are read only
  // from that, so the history is the same whichever ledger (stored or in memory) built the snapshot.
  const before: Snapshot = new Map(input.snapshot);
  const after = afterSnapshot(before, input.puts);
  return subjectsOf(input).map((beneficiary) => {
    const id = keyId(keys.beneficiary(beneficiary));
    const mine = (b: Pick<Beneficiary, "kind" | "id">) => keyId(keys.beneficiary(b)) === id;
    const payouts = (input.payouts ?? []).filter((p) => mine(p.beneficiary)).map(historyPayout);
    const paid = new Set(payouts.map((p) => `${p.program}#${p.period}`));
    const units = (input.units ?? [])
      .filter((u) => mine(u.next.beneficiary))
      .map((u) => historyUnit(u, paid));
    const lines = lineChanges({ ...input, snapshot: before }, after, mine);
    const receivables = receivableChanges(input, mine);
    const reason = input.reason ?? (units.length && !payouts.length ? "unchanged" : undefined);
    return {
      entity: "history",
      key: keys.history(beneficiary, message),
      beneficiary,
      fact: {
        type: message.type,
        source: message.source,
        id: message.id,
        time: message.time,
        naturalKey: input.naturalKey,
        data: message.data,
      },
      ...(reason ? { reason } : {}),
      ...(units.length ? { units } : {}),
      ...(payouts.length ? { payouts } : {}),
      ...(lines.length ? { lines } : {}),
      ...(receivables.length ? { receivables } : {}),
    };
  });
}

type Subject = HistoryItem["beneficiary"];

/**
 * Whom a fact touched: an entitlement fact, every beneficiary of a unit it recomputed — or, when it
 * recomputed none (no policy, not covered, a replay), every party it names; a lifecycle fact, the
 * beneficiaries of the lines, beneficiary and receivable items it writes.
 */
function subjectsOf(input: HistoryInput): Subject[] {
  const found = new Map<string, Subject>();
  const add = (b: Subject) => {
    const id = keyId(keys.beneficiary(b));
    if (!found.has(id)) found.set(id, b.name ? { kind: b.kind, id: b.id, name: b.name } : b);
  };
  if (isLifecycleType(input.message.type)) {
    for (const { item } of input.puts) {
      if (item.entity === "line" || item.entity === "beneficiary" || item.entity === "receivable") {
        add({ kind: item.beneficiary.kind, id: item.beneficiary.id });
      }
    }
    return [...found.values()];
  }
  for (const unit of input.units ?? []) add(unit.next.beneficiary);
  if (found.size) return [...found.values()];
  for (const fact of [input.message, ...(input.related ?? [])]) {
    for (const resolve of Object.values(PARTY_ROLES[fact.type] ?? {})) {
      const party = resolve(fact.data, input.city);
      if (party) add(party);
    }
    if (found.size) break;
  }
  return [...found.values()];
}

function historyUnit(unit: Recomputed, paid: ReadonlySet<string>): HistoryUnit {
  const { next } = unit;
  const explained = unit.periods.every((p) => paid.has(`${next.programId}#${p.period}`));
  return {
    policyVersion: next.policyVersion,
    program: next.programId,
    unitKey: next.unitKey,
    ...(next.label ? { label: next.label } : {}),
    version: unit.changed ? next.version : (unit.before?.version ?? 0),
    ...(explained ? {} : { formula: unit.formula }),
    periods: unit.periods.map((p) => ({ period: p.period, beforeFen: p.paidFen, afterFen: p.entitledFen })),
  };
}

function historyPayout(p: PayoutMessage): HistoryPayout {
  return {
    payoutId: p.payoutId,
    program: p.program,
    period: p.period,
    amountFen: BigInt(p.amountFen),
    status: p.status,
    explanation: p.explanation,
  };
}

/** The snapshot as it stands once the fact's puts commit. */
function afterSnapshot(snapshot: Snapshot, puts: readonly VersionedPut<VersionedItem>[]): Snapshot {
  const after = new Map(snapshot);
  for (const { item } of puts) after.set(keyId(item.key), item);
  return after;
}

/**
 * The beneficiary's lines this fact moved: every line of it loaded or written, its state read before and
 * after as reconciliation reads it — where what the state is read from was loaded; else `null`.
 */
function lineChanges(
  input: HistoryInput,
  after: Snapshot,
  mine: (b: Pick<Beneficiary, "kind" | "id">) => boolean,
): HistoryLine[] {
  const written = new Set(input.puts.filter((p) => p.item.entity === "line").map((p) => keyId(p.item.key)));
  const candidates = new Map<string, LineItem>();
  for (const item of after.values()) {
    if (isItem(item) && item.entity === "line" && mine(item.beneficiary))
      candidates.set(keyId(item.key), item);
  }
  const changes: HistoryLine[] = [];
  for (const [id, line] of candidates) {
    const before = input.snapshot.get(id) as LineItem | null | undefined;
    const from = before ? stateIn(input.snapshot, before, input.city) : null;
    const to = stateIn(after, line, input.city);
    const moved = !before || before.amountFen !== line.amountFen || written.has(id);
    if (from === to && !moved) continue;
    changes.push({ lineId: line.lineId, from, to, amountFen: line.amountFen });
  }
  return changes.sort((a, b) => a.lineId.localeCompare(b.lineId));
}

function isItem(value: Item | null | readonly ItemKey[] | undefined): value is Item {
  return value !== null && value !== undefined && !Array.isArray(value);
}

/** A line's state in a snapshot, if everything it is read from was loaded (a fact loads only what it needs). */
function stateIn(snapshot: Snapshot, line: LineItem, city: CityPolicy): LineState | null {
  const needs = lineViewKeys(snapshot, refOf(line), line.beneficiary, city);
  if (missing(snapshot, needs).length) return null;
  return statusIn(new WorkingSet(snapshot), line, city).status.state;
}

function receivableChanges(
  input: HistoryInput,
  mine: (b: Pick<Beneficiary, "kind" | "id">) => boolean,
): HistoryReceivable[] {
  return input.puts.flatMap(({ item }) => {
    if (item.entity !== "receivable" || !mine(item.beneficiary)) return [];
    const before = input.snapshot.get(keyId(item.key)) as { owedFen: Fen } | null | undefined;
    return [
      {
        program: item.program,
        period: item.period,
        owedBeforeFen: before?.owedFen ?? 0n,
        owedAfterFen: item.owedFen,
      },
    ];
  });
}
