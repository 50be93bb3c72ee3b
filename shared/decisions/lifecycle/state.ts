import type { PaymentRules } from "../../policy/payments";
import type { BudgetItem } from "../items";
import type { BatchItem, BeneficiaryItem, CreditEpisode, Instruction, LineItem } from "./items";

/**
 * A line's state, read — never stored — from the line, its batch, its beneficiary, its budget and the
 * ledger's date (payments.md § Line states). The gates after approval are judged in order and the first
 * closed one names the state; when all are open the line is ready, and the fact that opened the last gate
 * latches its instruction (settle.ts), so a committed ledger never holds a `ready` line.
 */
export const LINE_STATES = [
  "in-batch",
  "in-publicity",
  "objected",
  "withdrawn",
  "awaiting-approval",
  "awaiting-credit",
  "forfeited",
  "awaiting-budget",
  "awaiting-confirmation",
  "ready",
  "instructed",
  "disbursed",
  "failed",
  "waived",
  "lapsed",
  "reduced",
  "requeued",
] as const;
export type LineState = (typeof LINE_STATES)[number];

/** States in which a line still holds money that has not left (what a clawback may reduce). */
export const REDUCIBLE: readonly LineState[] = [
  "in-batch",
  "in-publicity",
  "objected",
  "withdrawn",
  "awaiting-approval",
  "awaiting-credit",
  "awaiting-budget",
  "awaiting-confirmation",
  "failed",
];

/**
 * Terminal states in which no money left (payments.md § Receivables): a later clawback of the unit reduces
 * such a line, after every line still open, before anything is owed — money never paid is never a debt.
 */
export const UNPAID_ENDS: readonly LineState[] = ["waived", "lapsed", "forfeited"];

/** Terminal states: the line leaves its beneficiary's open lines. */
export const TERMINAL: readonly LineState[] = [
  "disbursed",
  "waived",
  "lapsed",
  "forfeited",
  "reduced",
  "requeued",
];

export interface LineView {
  line: LineItem;
  /** Its batch once closed; `null` while the batch is open. */
  batch: BatchItem | null;
  beneficiary: BeneficiaryItem | null;
  /** The program's budget for the period, when it has one. */
  budget: BudgetItem | null;
  /** The ledger's date; `null` before the first `clock.day`. */
  today: string | null;
  rules: PaymentRules;
}

export type CreditCheck =
  | { checkedOn: string; restricted: { list: string; from: string }[] }
  | { checkedOn: string; restricted: "not-screened" };

export interface LineStatus {
  state: LineState;
  /** The day the line passed approval (its batch's, or its objection's dismissal after it). */
  approvedOn?: string;
  credit?: CreditCheck;
  /** When a notice went out and by when the beneficiary must answer. */
  notice?: { sentOn: string; deadline: string };
  instruction?: Instruction;
}

export function lineStatus(view: LineView): LineStatus {
  const { line, batch } = view;
  const latched = batch?.instructions[line.hash];
  if (latched) return latchedStatus(view, latched);
  if (line.amountFen === 0n) return { state: line.requeuedAs ? "requeued" : "reduced" };
  if (line.declinedOn) return { state: "waived" };
  if (batch?.lapsed[line.hash]) return { state: "lapsed" };
  if (line.withdrawnOn || heldUnit(view)) return { state: "withdrawn" };
  if (!batch) return { state: "in-batch" };
  const today = view.today ?? batch.closedOn;
  if (openObjection(line, batch)) return { state: "objected" };
  if (today <= batch.notice.end) return { state: "in-publicity" };
  const approvedOn = approvalOf(line, batch);
  if (!approvedOn) return { state: "awaiting-approval" };
  return afterApproval(view, approvedOn, today);
}

/**
 * A latched line: instructed, paid, or failed — and a failed one is ready again (a new attempt) once a
 * confirmation after the failure is on file and its other gates are still open.
 */
function latchedStatus(view: LineView, instruction: Instruction): LineStatus {
  const { line, batch } = view;
  const result = line.results.find((r) => r.attempt === instruction.attempt);
  if (result?.paid) return { state: "disbursed", instruction };
  if (!result?.failed) return { state: "instructed", instruction };
  if (line.amountFen === 0n) return { state: "reduced", instruction };
  const approvedOn = batch?.approvedOn;
  const retry = approvedOn ? afterApproval(view, approvedOn, view.today ?? approvedOn) : undefined;
  return { ...(retry?.state === "ready" ? retry : { state: "failed" as const }), instruction };
}

function afterApproval(view: LineView, approvedOn: string, today: string): LineStatus {
  const { line, beneficiary, rules } = view;
  const screened = rules.settings.credit.screenedKinds.includes(line.beneficiary.kind);
  const atApproval = screened ? restrictionsOn(beneficiary, approvedOn, rules) : [];
  if (atApproval.length && rules.creditRestrictionOf(line.program) === "forfeit") {
    return { state: "forfeited", approvedOn, credit: { checkedOn: approvedOn, restricted: atApproval } };
  }
  const now = screened ? restrictionsOn(beneficiary, today, rules) : [];
  const credit: CreditCheck = screened
    ? { checkedOn: today, restricted: now }
    : { checkedOn: today, restricted: "not-screened" };
  // A hold lasts while the restriction does: cleared by today, the line goes on.
  if (now.length) return { state: "awaiting-credit", approvedOn, credit };
  if (view.budget?.held?.some((h) => h.payoutId === line.payoutId)) {
    return { state: "awaiting-budget", approvedOn, credit };
  }
  const notice = view.batch?.notices[line.hash];
  if (!confirmed(view))
    return { state: "awaiting-confirmation", approvedOn, credit, ...(notice ? { notice } : {}) };
  return { state: "ready", approvedOn, credit, ...(notice ? { notice } : {}) };
}

/** The restrictions of the city's screened lists that cover a day. */
export function restrictionsOn(
  beneficiary: BeneficiaryItem | null,
  day: string,
  rules: PaymentRules,
): { list: string; from: string }[] {
  const lists = rules.settings.credit.lists;
  return (beneficiary?.credit ?? [])
    .filter(
      (e: CreditEpisode) => lists.includes(e.list) && e.from <= day && !(e.clearedOn && e.clearedOn <= day),
    )
    .map((e) => ({ list: e.list, from: e.from }));
}

function heldUnit(view: LineView): boolean {
  const { line, beneficiary } = view;
  return (beneficiary?.holds ?? []).some((h) => h.program === line.program && h.period === line.period);
}

/** An in-window objection not yet resolved (a resolution counts from when it applies, whatever its date). */
function openObjection(line: LineItem, batch: BatchItem): boolean {
  return line.objections.some((o) => o.state === "open" && inWindow(o.filedOn, batch));
}

export function inWindow(filedOn: string, batch: BatchItem): boolean {
  return batch.notice.start <= filedOn && filedOn <= batch.notice.end;
}

/**
 * The day a line passed approval: its batch's approval if no in-window objection was open then (by the
 * days in the facts, so the order they arrived in does not matter), else the day that objection was
 * dismissed, if it was dismissed after the batch was approved.
 */
function approvalOf(line: LineItem, batch: BatchItem): string | undefined {
  const approvedOn = batch.approvedOn;
  if (!approvedOn) return undefined;
  const blocking = line.objections.filter(
    (o) =>
      inWindow(o.filedOn, batch) && o.filedOn <= approvedOn && !(o.resolvedOn && o.resolvedOn <= approvedOn),
  );
  if (!blocking.length) return approvedOn;
  if (blocking.some((o) => o.state !== "dismissed")) return undefined;
  return blocking
    .map((o) => o.resolvedOn ?? approvedOn)
    .sort()
    .at(-1);
}

/**
 * A standing confirmation that covers this line: not revoked since, and given after the line's last
 * failed payment (a failed line waits for a corrected confirmation).
 */
function confirmed(view: LineView): boolean {
  const { line, beneficiary, rules } = view;
  if (rules.settings.confirmationExemptKinds.includes(line.beneficiary.kind)) return true;
  const payee = beneficiary?.payee;
  if (!payee) return false;
  if (beneficiary.payeeRevokedOn && beneficiary.payeeRevokedOn >= payee.confirmedOn) return false;
  const lastFailure = line.results
    .flatMap((r) => (r.failed ? [r.failed.failedOn] : []))
    .sort()
    .at(-1);
  return !lastFailure || payee.confirmedOn > lastFailure;
}

/**
 * Whether the silence rule pays a line at its deadline: the city says so and an account reference is on
 * file — which, since a standing confirmation pays at once, means one whose consent was revoked.
 */
export function silenceConsents(view: LineView): boolean {
  return view.rules.settings.silenceIsConsent && view.beneficiary?.payee !== undefined;
}
