import { lineIdOf } from "../../contract";
import { minFen } from "../../money";
import type { CityPolicy } from "../../policy/city";
import type { Beneficiary } from "../../policy/parties";
import type { BudgetItem, FunderFenLine, Snapshot } from "../items";
import { type ItemKey, keyId, keys } from "../keys";
import type { PayoutMessage } from "../payouts";
import { loaded, missing, type Need } from "../snapshot";
import type { BeneficiaryItem, LineItem, LineRef, ReceivableItem } from "./items";
import { shortHash } from "./messages";
import { emptyAgenda } from "./settle";
import { REDUCIBLE, UNPAID_ENDS } from "./state";
import { batchKeyOf, budgetKeyOf, refOf, statusIn, todayOf } from "./view";
import type { WorkingSet } from "./working-set";

/**
 * Entitlement changes into money on its way (payments.md § Payment lines): a positive change opens a
 * line in its program's open batch, netted first against what the beneficiary owes; a negative one reduces
 * the unit's lines not yet instructed — least advanced first, newest first within a state — and what they
 * cannot absorb becomes a receivable. Any change of a held unit is its correction: the hold lifts and the
 * withdrawn amount opens again as a new line.
 */
export function applyPayouts(
  ws: WorkingSet,
  payouts: readonly PayoutMessage[],
  city: CityPolicy,
  districts: ReadonlyMap<string, string | null>,
): LineItem[] {
  const touched: LineItem[] = [];
  for (const payout of payouts) {
    const requeue = liftHold(ws, payout.beneficiary, payout.program, payout.period);
    const amount = BigInt(payout.amountFen);
    const district = districts.get(payout.payoutId) ?? null;
    if (amount > 0n) touched.push(openLine(ws, lineSource(payout, district), amount, city));
    else touched.push(...reduceUnit(ws, payout, -amount, city));
    for (const line of requeue) touched.push(...requeueLine(ws, line, city));
  }
  return touched;
}

/** Where a line's money comes from: a payout, or a withdrawn line opening again. */
interface LineSource {
  payoutId: string;
  hashOf: string;
  policyVersion: string;
  program: string;
  clause: string;
  period: number;
  beneficiary: Beneficiary;
  district: string | null;
  held: boolean;
  /** The payout's funder lines, for a program with funders. */
  payoutFunders?: FunderFenLine[] | undefined;
  requeuedFrom?: string;
}

function lineSource(payout: PayoutMessage, district: string | null): LineSource {
  return {
    payoutId: payout.payoutId,
    hashOf: payout.payoutId,
    policyVersion: payout.policyVersion,
    program: payout.program,
    clause: payout.clause,
    period: payout.period,
    beneficiary: payout.beneficiary,
    district,
    held: payout.status === "awaiting-budget",
    payoutFunders: payout.funders?.map((f) => ({ funder: f.funder, fen: BigInt(f.amountFen) })),
  };
}

/**
 * Opens a line on the ledger's today, in its program's open batch (the one whose cut-off is still to come),
 * netted against receivables first. Which batch holds it follows from that day alone, so nothing shared
 * by the program's lines is written; the clock is checked instead — a batch closed after today began can
 * then never miss a line of an earlier day still being written (payments.md § Batches).
 */
export function openLine(ws: WorkingSet, source: LineSource, amountFen: bigint, city: CityPolicy): LineItem {
  const openedOn = todayOf(ws);
  ws.keep(keys.clock());
  const hash = shortHash("line", source.hashOf).slice(0, 8);
  const before = beneficiaryOf(ws, source.beneficiary);
  const line: LineItem = {
    entity: "line",
    key: keys.line({ period: source.period, program: source.program, openedOn, hash }),
    lineId: lineIdOf(source.program, source.period, openedOn, hash),
    hash,
    payoutId: source.payoutId,
    policyVersion: source.policyVersion,
    program: source.program,
    clause: source.clause,
    period: source.period,
    ordinal: before.opened + 1,
    beneficiary: source.beneficiary,
    district: source.district,
    originalFen: amountFen,
    amountFen,
    ...(source.payoutFunders ? { payoutFunders: source.payoutFunders } : {}),
    openedOn,
    reductions: [],
    netted: [],
    objections: [],
    results: [],
    ...(source.requeuedFrom ? { requeuedFrom: source.requeuedFrom } : {}),
    version: 0,
  };
  const netted = netAgainstReceivables(ws, line, city);
  ws.write(netted);
  const beneficiary = beneficiaryOf(ws, source.beneficiary);
  ws.write({
    ...beneficiary,
    openLines: [...beneficiary.openLines, refOf(netted)],
    opened: beneficiary.opened + 1,
  });
  if (source.held) recordHeldLine(ws, source, netted.key, city);
  return netted;
}

/** A held payout's budget entry names the line it opened, so a release can settle that line. */
function recordHeldLine(ws: WorkingSet, source: LineSource, line: ItemKey, city: CityPolicy): void {
  const budgetKey = budgetKeyOf(source, city);
  const budget = budgetKey ? (ws.read(budgetKey, "budget") as BudgetItem | null) : null;
  if (!budget) return;
  const held = (budget.held ?? []).map((h) => (h.payoutId === source.payoutId ? { ...h, line } : h));
  ws.write({ ...budget, held });
}

/** The beneficiary's receivables settle out of a new line, oldest first (same program unless the city nets across). */
function netAgainstReceivables(ws: WorkingSet, line: LineItem, city: CityPolicy): LineItem {
  const beneficiary = beneficiaryOf(ws, line.beneficiary);
  const acrossPrograms = city.payments.settings.netting === "beneficiary";
  let next = line;
  for (const ref of beneficiary.receivables) {
    if (next.amountFen === 0n) break;
    if (!acrossPrograms && ref.program !== line.program) continue;
    const receivable = ws.read(ref.key, "receivable") as ReceivableItem | null;
    if (!receivable || receivable.owedFen === 0n) continue;
    const fen = minFen(receivable.owedFen, next.amountFen);
    next = {
      ...next,
      amountFen: next.amountFen - fen,
      netted: [...next.netted, { receivable: ref.key, program: ref.program, period: ref.period, fen }],
    };
    settleReceivable(ws, receivable, fen, `netted by ${line.lineId}`, "nettedInFen");
  }
  return next;
}

/** Part of a receivable settled (netting, a recovery, a failed instruction); a settled one leaves the lists. */
export function settleReceivable(
  ws: WorkingSet,
  receivable: ReceivableItem,
  fen: bigint,
  what: string,
  by: "nettedInFen" | "recoveredFen" | "settledAgainstFailedFen",
): void {
  const owedFen = receivable.owedFen - fen;
  ws.write({
    ...receivable,
    owedFen,
    [by]: receivable[by] + fen,
    history: [...receivable.history, { on: todayOf(ws), what, fen: -fen }],
  });
  if (owedFen !== 0n) return;
  const beneficiary = beneficiaryOf(ws, receivable.beneficiary);
  ws.write({
    ...beneficiary,
    receivables: beneficiary.receivables.filter((r) => keyId(r.key) !== keyId(receivable.key)),
  });
  const agenda = ws.read(keys.agenda(), "agenda");
  if (agenda)
    ws.write({
      ...agenda,
      receivables: agenda.receivables.filter((r) => keyId(r.key) !== keyId(receivable.key)),
    });
}

/**
 * A clawback: the unit's lines not yet instructed give back first, then its lines that ended unpaid
 * (lapsed, waived, forfeited: money never paid is never a debt); only the rest is owed.
 */
function reduceUnit(
  ws: WorkingSet,
  payout: PayoutMessage,
  clawbackFen: bigint,
  city: CityPolicy,
): LineItem[] {
  const order = [...REDUCIBLE, ...UNPAID_ENDS];
  const { beneficiary, program, period } = payout;
  const lines = [
    ...unitLines(ws, beneficiary, program, period),
    ...unitLines(ws, beneficiary, program, period, "unpaidLines"),
  ];
  const candidates = lines
    .map((line) => ({ line, state: statusIn(ws, line, city).status.state }))
    .filter(({ line, state }) => order.includes(state) && line.amountFen > 0n)
    .sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state) || b.line.ordinal - a.line.ordinal);
  let remaining = clawbackFen;
  const touched: LineItem[] = [];
  for (const { line } of candidates) {
    if (remaining === 0n) break;
    const fen = minFen(line.amountFen, remaining);
    remaining -= fen;
    const reduced = {
      ...line,
      amountFen: line.amountFen - fen,
      reductions: [...line.reductions, { byPayoutId: payout.payoutId, fen }],
    };
    ws.write(reduced);
    touched.push(reduced);
  }
  if (remaining > 0n) raiseReceivable(ws, payout, remaining);
  return touched;
}

function raiseReceivable(ws: WorkingSet, payout: PayoutMessage, fen: bigint): void {
  const key = keys.receivable(payout.period, payout.program, payout.beneficiary);
  const before = ws.read(key, "receivable") as ReceivableItem | null;
  const today = todayOf(ws);
  const receivable: ReceivableItem = before ?? {
    entity: "receivable",
    key,
    beneficiary: payout.beneficiary,
    policyVersion: payout.policyVersion,
    program: payout.program,
    period: payout.period,
    owedFen: 0n,
    raisedFen: 0n,
    recoveredFen: 0n,
    nettedInFen: 0n,
    settledAgainstFailedFen: 0n,
    since: null,
    history: [],
    version: 0,
  };
  const reopened = receivable.owedFen === 0n;
  ws.write({
    ...receivable,
    owedFen: receivable.owedFen + fen,
    raisedFen: receivable.raisedFen + fen,
    since: reopened ? today : receivable.since,
    history: [...receivable.history, { on: today, what: `clawback ${payout.payoutId}`, fen }],
  });
  if (!reopened) return;
  const beneficiary = beneficiaryOf(ws, payout.beneficiary);
  ws.write({
    ...beneficiary,
    receivables: [...beneficiary.receivables, { key, program: payout.program, period: payout.period }],
  });
  const agenda = ws.read(keys.agenda(), "agenda") ?? emptyAgenda();
  ws.write({ ...agenda, receivables: [...agenda.receivables, { key, since: today }] });
}

/** An upheld objection holds a unit until a later change of it (its correction) or the bureau's release. */
export function liftHold(ws: WorkingSet, who: Beneficiary, program: string, period: number): LineItem[] {
  const beneficiary = ws.read(keys.beneficiary(who), "beneficiary") as BeneficiaryItem | null;
  if (!beneficiary?.holds.some((h) => h.program === program && h.period === period)) return [];
  ws.write({
    ...beneficiary,
    holds: beneficiary.holds.filter((h) => !(h.program === program && h.period === period)),
  });
  return unitLines(ws, who, program, period).filter((line) => line.withdrawnOn && !line.requeuedAs);
}

/** A withdrawn line opens again, with what is left of it, as a new line in the open batch. */
export function requeueLine(ws: WorkingSet, withdrawn: LineItem, city: CityPolicy): LineItem[] {
  const current = (ws.read(withdrawn.key, "line") as LineItem | null) ?? withdrawn;
  if (current.amountFen === 0n || current.requeuedAs) return [];
  const source: LineSource = {
    payoutId: current.payoutId,
    hashOf: `${current.lineId}.requeued`,
    policyVersion: current.policyVersion,
    program: current.program,
    clause: current.clause,
    period: current.period,
    beneficiary: current.beneficiary,
    district: current.district,
    held: false,
    payoutFunders: current.payoutFunders,
    requeuedFrom: current.lineId,
  };
  const reopened = openLine(ws, source, current.amountFen, city);
  const moved = { ...current, amountFen: 0n, requeuedAs: reopened.lineId };
  ws.write(moved);
  repointHeldBudget(ws, current, reopened, city);
  return [moved, reopened];
}

function repointHeldBudget(ws: WorkingSet, from: LineItem, to: LineItem, city: CityPolicy): void {
  const budgetKey = budgetKeyOf(from, city);
  const budget = budgetKey ? (ws.read(budgetKey, "budget") as BudgetItem | null) : null;
  if (!budget?.held?.some((h) => h.line && keyId(h.line) === keyId(from.key))) return;
  ws.write({
    ...budget,
    held: budget.held.map((h) => (h.line && keyId(h.line) === keyId(from.key) ? { ...h, line: to.key } : h)),
  });
}

/**
 * The unit's lines still open, as the working set holds them; or (`unpaidLines`) those that ended unpaid,
 * which settle.ts keeps for a later clawback.
 */
export function unitLines(
  ws: WorkingSet,
  who: Beneficiary | BeneficiaryItem["beneficiary"],
  program: string,
  period: number,
  which: "openLines" | "unpaidLines" = "openLines",
): LineItem[] {
  const beneficiary = ws.read(keys.beneficiary(who), "beneficiary") as BeneficiaryItem | null;
  return linesOf(ws, beneficiary?.[which] ?? [], program, period);
}

function linesOf(ws: WorkingSet, refs: readonly LineRef[], program: string, period: number): LineItem[] {
  return refs
    .filter((ref) => ref.program === program && ref.period === period)
    .map((ref) => ws.read(ref.key, "line") as LineItem | null)
    .filter((line): line is LineItem => line !== null);
}

export function beneficiaryOf(ws: WorkingSet, who: Pick<Beneficiary, "kind" | "id">): BeneficiaryItem {
  const key = keys.beneficiary(who);
  return (
    (ws.read(key, "beneficiary") as BeneficiaryItem | null) ?? {
      entity: "beneficiary",
      key,
      beneficiary: { kind: who.kind, id: who.id },
      credit: [],
      holds: [],
      openLines: [],
      opened: 0,
      receivables: [],
      version: 0,
    }
  );
}

/**
 * What `applyPayouts` reads, in two rounds: the clock, the agenda, each payout's beneficiary, series (its
 * lines' batches) and receivable (a clawback may owe); then the lines of units a clawback reduces or a
 * correction lifts a hold from, their batches and budgets, and the receivables a new line nets against.
 */
export function payoutLineNeeds(
  snapshot: Snapshot,
  payouts: readonly PayoutMessage[],
  city: CityPolicy,
): Need[] {
  if (!payouts.length) return [];
  const first = missing(snapshot, lineKeysFor(payouts));
  if (first.length) return first;
  return missing(
    snapshot,
    payouts.flatMap((p) => secondRound(snapshot, p, city)),
  );
}

/**
 * The first round, known as soon as the changes are (before budgets are committed), so the decision may
 * read it together with the budgets: the clock, the agenda, each unit's beneficiary, series and receivable.
 */
export function lineKeysFor(
  changes: readonly { beneficiary: Pick<Beneficiary, "kind" | "id">; program: string; period: number }[],
): ItemKey[] {
  if (!changes.length) return [];
  return [
    keys.clock(),
    keys.agenda(),
    ...changes.flatMap((p) => [
      keys.beneficiary(p.beneficiary),
      keys.series(p.period, p.program),
      keys.receivable(p.period, p.program, p.beneficiary),
    ]),
  ];
}

/** A payout's second round: the lines a clawback or a lifted hold touches and their batches, the debts a line nets. */
function secondRound(snapshot: Snapshot, p: PayoutMessage, city: CityPolicy): Need[] {
  const beneficiary = loaded(snapshot, keys.beneficiary(p.beneficiary), "beneficiary");
  if (!beneficiary) return [];
  const series = loaded(snapshot, keys.series(p.period, p.program), "series");
  const held = beneficiary.holds.some((h) => h.program === p.program && h.period === p.period);
  const reduces = BigInt(p.amountFen) < 0n;
  const unit = (r: LineRef) => r.program === p.program && r.period === p.period;
  const refs = [
    ...(reduces || held ? beneficiary.openLines.filter(unit) : []),
    // A clawback also reduces the unit's lines that ended unpaid (reduceUnit).
    ...(reduces ? (beneficiary.unpaidLines ?? []).filter(unit) : []),
  ];
  const budget = budgetKeyOf(p, city);
  return [
    ...refs.flatMap((r) => [r.key, batchKeyOf(r, series)].filter((k): k is ItemKey => k !== null)),
    ...(budget ? [budget] : []),
    ...beneficiary.receivables.map((r) => r.key),
  ];
}
