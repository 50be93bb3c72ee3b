import type { CityPolicy } from "../../policy/city";
import { splitOver } from "../funders";
import type { FunderFenLine } from "../items";
import { keyId, keys } from "../keys";
import { funderLinesOf } from "../payouts";
import type { AgendaItem, BatchItem, BeneficiaryItem, Instruction, LineItem } from "./items";
import { money, type PaymentInstructionMessage, type PaymentNoticeMessage } from "./messages";
import {
  type LineState,
  type LineStatus,
  type LineView,
  silenceConsents,
  TERMINAL,
  UNPAID_ENDS,
} from "./state";
import { batchOf, statusIn, todayOf } from "./view";
import type { WorkingSet } from "./working-set";

export interface Settled {
  instructions: PaymentInstructionMessage[];
  notices: PaymentNoticeMessage[];
}

/**
 * After a fact's own changes, every line in scope is brought to rest (payments.md § Line states): one
 * whose last gate just opened is instructed — latched on its batch, one instruction sent; one that just
 * reached the confirmation gate gets its notice and a deadline on the agenda; one whose deadline has
 * passed is instructed by silence or lapses; one that came to an end leaves its beneficiary's open lines.
 * The fact that opens a gate is the one that latches, so a committed ledger holds no `ready` line.
 */
export function settle(ws: WorkingSet, lines: readonly LineItem[], city: CityPolicy): Settled {
  const settled: Settled = { instructions: [], notices: [] };
  if (!lines.length) return settled;
  const today = todayOf(ws);
  for (const line of lines) {
    const current = (ws.read(line.key, "line") as LineItem | null) ?? line;
    const { status, view } = statusIn(ws, current, city);
    const writes = ws.writes;
    if (today && status.state === "ready") settled.instructions.push(latch(ws, view, status, today, city));
    else if (today && status.state === "awaiting-confirmation")
      settleConfirmation(ws, view, status, today, city, settled);
    // Read again only if settling wrote something: otherwise the line stands as it was just read.
    const after = ws.writes === writes ? status.state : statusIn(ws, current, city).status.state;
    if (TERMINAL.includes(after)) closeLine(ws, current, after);
  }
  return settled;
}

function settleConfirmation(
  ws: WorkingSet,
  view: LineView,
  status: LineStatus,
  today: string,
  city: CityPolicy,
  settled: Settled,
): void {
  if (!status.notice) {
    settled.notices.push(sendNotice(ws, view, today, city));
    return;
  }
  if (status.notice.deadline >= today) return;
  // The deadline has passed without an answer (payments.md § Confirmation: silence).
  if (silenceConsents(view)) settled.instructions.push(latch(ws, view, status, today, city));
  else {
    const batch = ws.edit((view.batch as BatchItem).key, "batch", ["lapsed"]) as BatchItem;
    batch.lapsed[view.line.hash] = today;
  }
}

function latch(ws: WorkingSet, view: LineView, status: LineStatus, today: string, city: CityPolicy) {
  const { line } = view;
  const batch = ws.edit((batchOf(ws, line) as BatchItem).key, "batch", ["instructions"]) as BatchItem;
  const attempt = (status.instruction?.attempt ?? 0) + 1;
  const instruction: Instruction = {
    attempt,
    instructionId: `${line.lineId}.${attempt}`,
    instructedOn: today,
    amountFen: line.amountFen,
    accountRef: view.beneficiary?.payee?.accountRef ?? null,
  };
  batch.instructions[line.hash] = instruction;
  const message: PaymentInstructionMessage = {
    kind: "payment-instruction",
    instructionId: instruction.instructionId,
    attempt,
    city: city.city,
    lineId: line.lineId,
    batchId: batch.batchId,
    beneficiary: line.beneficiary,
    accountRef: instruction.accountRef,
    program: line.program,
    clause: line.clause,
    period: line.period,
    ...money(line.amountFen),
    instructedOn: today,
    // Absent, not empty, for a program without funders: its instructions stay exactly as before.
    ...(line.payoutFunders ? { funders: instructionFunders(line.amountFen, line.payoutFunders) } : {}),
  };
  return message;
}

/** The instruction's funder lines: its amount split over its payout's (payments.md § Payment instructions). */
function instructionFunders(amountFen: bigint, payoutFunders: readonly FunderFenLine[]) {
  const split = splitOver(amountFen, new Map(payoutFunders.map((l) => [l.funder, l.fen])));
  return funderLinesOf(split);
}

function sendNotice(ws: WorkingSet, view: LineView, today: string, city: CityPolicy): PaymentNoticeMessage {
  const { line } = view;
  const batch = ws.edit((batchOf(ws, line) as BatchItem).key, "batch", ["notices"]) as BatchItem;
  const deadline = city.payments.confirmationDeadline(today);
  batch.notices[line.hash] = { sentOn: today, deadline };
  const agenda = (ws.read(keys.agenda(), "agenda") as AgendaItem | null) ?? emptyAgenda();
  const entry = {
    date: deadline,
    batch: batch.key,
    period: batch.period,
    program: batch.program,
    from: batch.from,
    cutoff: batch.cutoff,
  };
  if (!agenda.deadlines.some((d) => d.date === deadline && keyId(d.batch) === keyId(batch.key))) {
    ws.write({
      ...agenda,
      deadlines: [...agenda.deadlines, entry].sort((a, b) => a.date.localeCompare(b.date)),
    });
  }
  return {
    kind: "payment-notice",
    noticeId: `${line.lineId}.notice.${today}`,
    city: city.city,
    lineId: line.lineId,
    batchId: batch.batchId,
    beneficiary: line.beneficiary,
    program: line.program,
    clause: line.clause,
    period: line.period,
    ...money(line.amountFen),
    sentOn: today,
    deadline,
    accountOnFile: view.beneficiary?.payee !== undefined,
  };
}

/**
 * A line that came to an end leaves its beneficiary's open lines; one that ended unpaid (lapsed, waived,
 * forfeited) is kept among its unpaid lines, where a later clawback finds it before it owes anything.
 */
function closeLine(ws: WorkingSet, line: LineItem, state: LineState): void {
  const beneficiary = ws.read(keys.beneficiary(line.beneficiary), "beneficiary") as BeneficiaryItem | null;
  const ref = beneficiary?.openLines.find((l) => keyId(l.key) === keyId(line.key));
  if (!beneficiary || !ref) return;
  const unpaid = UNPAID_ENDS.includes(state) ? [...(beneficiary.unpaidLines ?? []), ref] : undefined;
  ws.write({
    ...beneficiary,
    openLines: beneficiary.openLines.filter((l) => keyId(l.key) !== keyId(line.key)),
    ...(unpaid ? { unpaidLines: unpaid } : {}),
  });
}

export function emptyAgenda(): AgendaItem {
  return { entity: "agenda", key: keys.agenda(), deadlines: [], clearances: [], receivables: [], version: 0 };
}
