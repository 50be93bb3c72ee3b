import type { Fen } from "../../money";
import type { Beneficiary } from "../../policy/parties";
import type { FunderFenLine } from "../items";
import type { ItemKey } from "../keys";

/**
 * The payment lifecycle's state (docs/contract/payments.md): a line per positive entitlement change, its
 * batch, the beneficiary's standing facts, receivables, the ledger's date and its agenda. A line's state is
 * never stored: it is read from the line, its batch, its beneficiary, its budget and today (state.ts).
 */

/** A person the workbench authenticated, as the staff fact carries them (the API vouches). */
export interface Actor {
  id: string;
  name: string;
  roles: string[];
}

/** The ledger's date: moved only by `clock.day`, only forward. */
export interface ClockItem {
  entity: "clock";
  key: ItemKey;
  today: string;
  /** The ledger's date before `today` (null on its first day): the cadence closes a month once past it. */
  previous: string | null;
  version: number;
}

/**
 * A program's batches for one period, as their cut-off days: batch n holds the lines opened on days from
 * `cutoffs[n-2]` (the start) up to the day before `cutoffs[n-1]`. Written only when a batch closes — never
 * by a line opening, so new lines of one program do not contend on one item (payments.md § Batches).
 */
export interface SeriesItem {
  entity: "series";
  key: ItemKey;
  policyVersion: string;
  program: string;
  period: number;
  cutoffs: string[];
  version: number;
}

/** One instruction latched for a line: attempt n of paying it. */
export interface Instruction {
  attempt: number;
  instructionId: string;
  instructedOn: string;
  amountFen: Fen;
  accountRef: string | null;
}

/** A closed batch: the lines opened on days `from` ≤ day < `cutoff`. The open batch has no item. */
export interface BatchItem {
  entity: "batch";
  key: ItemKey;
  batchId: string;
  policyVersion: string;
  program: string;
  clause: string;
  period: number;
  seq: number;
  from: string;
  cutoff: string;
  closedOn: string;
  /** `null`: closed on the city's cadence, with no preparer. */
  closedBy: Actor | null;
  notice: { start: string; end: string };
  lineCount: number;
  approvedOn?: string;
  approvedBy?: Actor;
  /** Latches, by line hash, each recorded once and never undone: notices sent, instructions, lapses. */
  notices: Record<string, { sentOn: string; deadline: string }>;
  instructions: Record<string, Instruction>;
  lapsed: Record<string, string>;
  version: number;
}

export interface Objection {
  objectionId: string;
  objector: string;
  filedOn: string;
  grounds: string;
  /** `late`: filed after the window — recorded, moves nothing. */
  state: "open" | "dismissed" | "upheld" | "late";
  resolvedOn?: string;
}

export interface PaymentResult {
  attempt: number;
  paid?: { reference: string; paidOn: string; amountFen: Fen };
  failed?: { failedOn: string; reason: string };
}

/** One positive entitlement change on its way to the beneficiary's account. */
export interface LineItem {
  entity: "line";
  key: ItemKey;
  lineId: string;
  hash: string;
  payoutId: string;
  policyVersion: string;
  program: string;
  clause: string;
  period: number;
  /** Its place among its beneficiary's lines: newest is highest (reductions take newest first). */
  ordinal: number;
  beneficiary: Beneficiary;
  district: string | null;
  originalFen: Fen;
  /** What is left to pay: the original less reductions and netting. */
  amountFen: Fen;
  /**
   * The funder lines of the payout the line came from, for a program with funders: what its payment
   * instruction's funder lines are split over (payments.md § Payment instructions). Absent otherwise.
   */
  payoutFunders?: FunderFenLine[];
  openedOn: string | null;
  /** Clawbacks of the unit absorbed before instruction, newest first. */
  reductions: { byPayoutId: string; fen: Fen }[];
  /** Debts settled out of this line (netting). */
  netted: { receivable: ItemKey; program: string; period: number; fen: Fen }[];
  objections: Objection[];
  /** Withdrawn by an upheld objection (or opened while its unit was held). */
  withdrawnOn?: string;
  /** Its amount moved to a new line when the hold lifted; the new line names where it came from. */
  requeuedAs?: string;
  requeuedFrom?: string;
  declinedOn?: string;
  results: PaymentResult[];
  version: number;
}

export interface CreditEpisode {
  list: string;
  from: string;
  reason: string;
  clearedOn?: string;
}

export interface LineRef {
  key: ItemKey;
  program: string;
  period: number;
  openedOn: string | null;
}

/** What the lifecycle knows of one beneficiary: payee, credit, holds, open lines and debts. */
export interface BeneficiaryItem {
  entity: "beneficiary";
  key: ItemKey;
  beneficiary: Pick<Beneficiary, "kind" | "id">;
  payee?: { accountRef: string; confirmedOn: string; time: string };
  payeeRevokedOn?: string;
  credit: CreditEpisode[];
  /** Units held by an upheld objection, until corrected or released. */
  holds: { program: string; period: number }[];
  /** Lines not yet in a terminal state. */
  openLines: LineRef[];
  /** Lines that ended with no money paid (UNPAID_ENDS): what a later clawback reduces before it owes. */
  unpaidLines?: LineRef[];
  /** Lines ever opened for this beneficiary: the next line's ordinal. */
  opened: number;
  /** Units this beneficiary owes on, oldest first. */
  receivables: { key: ItemKey; program: string; period: number }[];
  version: number;
}

/** What a beneficiary owes on one unit: clawbacks its lines could not absorb. */
export interface ReceivableItem {
  entity: "receivable";
  key: ItemKey;
  beneficiary: Beneficiary;
  policyVersion: string;
  program: string;
  period: number;
  /** Still owed. */
  owedFen: Fen;
  /** Every clawback that could not be absorbed, summed. */
  raisedFen: Fen;
  recoveredFen: Fen;
  /** Settled by netting new lines, or against a failed instruction. */
  nettedInFen: Fen;
  settledAgainstFailedFen: Fen;
  since: string | null;
  history: { on: string | null; what: string; fen: Fen }[];
  version: number;
}

/**
 * What the clock must look at: batches whose confirmation deadlines pass, beneficiaries whose restriction
 * ends on a later day, and open receivables (reported once overdue).
 */
export interface AgendaItem {
  entity: "agenda";
  key: ItemKey;
  deadlines: {
    date: string;
    batch: ItemKey;
    period: number;
    program: string;
    from: string;
    cutoff: string;
  }[];
  clearances: { date: string; beneficiary: ItemKey }[];
  receivables: { key: ItemKey; since: string | null; reportedOn?: string }[];
  version: number;
}

export type LifecycleItem =
  | ClockItem
  | SeriesItem
  | BatchItem
  | LineItem
  | BeneficiaryItem
  | ReceivableItem
  | AgendaItem;
