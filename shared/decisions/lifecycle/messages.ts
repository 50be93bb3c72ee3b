import { createHash } from "node:crypto";
import { type Fen, fenToSafeNumber, fenToYuan } from "../../money";
import type { Beneficiary } from "../../policy/parties";
import type { ItemKey } from "../keys";
import type { FunderLine, ReleaseMessage } from "../payouts";

/**
 * The lifecycle's outbound messages (payments.md § Outbound): the 公示 list of a closed batch, a
 * beneficiary's payment notice, a payment instruction for the treasury, a receivable's overdue report.
 * Each has a stable id its queue deduplicates by and its consumer must too. A fact writes them as one
 * outbox item per kind, which the relay sends message by message.
 */
export interface Money {
  amountFen: number;
  amount: string;
}

export function money(fen: Fen): Money {
  return { amountFen: fenToSafeNumber(fen), amount: fenToYuan(fen) };
}

export interface PublicityListMessage {
  kind: "publicity-list";
  listId: string;
  city: string;
  batchId: string;
  program: string;
  clause: string;
  period: number;
  closedOn: string;
  notice: { start: string; end: string };
  part: number;
  parts: number;
  lines: ({ lineId: string; beneficiary: Beneficiary; district: string | null } & Money)[];
  total: Money;
}

export interface PaymentNoticeMessage extends Money {
  kind: "payment-notice";
  noticeId: string;
  city: string;
  lineId: string;
  batchId: string;
  beneficiary: Beneficiary;
  program: string;
  clause: string;
  period: number;
  sentOn: string;
  deadline: string;
  accountOnFile: boolean;
}

export interface PaymentInstructionMessage extends Money {
  kind: "payment-instruction";
  instructionId: string;
  attempt: number;
  city: string;
  lineId: string;
  batchId: string;
  beneficiary: Beneficiary;
  accountRef: string | null;
  program: string;
  clause: string;
  period: number;
  instructedOn: string;
  /**
   * Only for a program with funders (payments.md § Payment instructions): who pays this transfer, every
   * funder in the city file's order, Σ = `amountFen` exactly. Absent otherwise.
   */
  funders?: FunderLine[];
}

export interface ReceivableOverdueMessage {
  kind: "receivable-overdue";
  reportId: string;
  city: string;
  beneficiary: Beneficiary;
  program: string;
  period: number;
  owed: Money;
  since: string | null;
  overdueOn: string;
}

export type LifecycleMessage =
  | PublicityListMessage
  | PaymentNoticeMessage
  | PaymentInstructionMessage
  | ReceivableOverdueMessage
  | ReleaseMessage;

/** Which queue each outbox kind goes to (infra: one FIFO queue per consumer). */
export const OUTBOX_QUEUES = {
  publicity: "publicity",
  notices: "notices",
  instructions: "instructions",
  receivables: "receivables",
  releases: "payouts",
} as const;
export type OutboxKind = keyof typeof OUTBOX_QUEUES;

export interface OutboxItem {
  entity: "outbox";
  key: ItemKey;
  kind: OutboxKind;
  messages: LifecycleMessage[];
}

/** A message's deduplication id on its queue. */
export function messageIdOf(message: LifecycleMessage): string {
  switch (message.kind) {
    case "publicity-list":
      return message.listId;
    case "payment-notice":
      return message.noticeId;
    case "payment-instruction":
      return message.instructionId;
    case "receivable-overdue":
      return message.reportId;
    case "release":
      return message.releaseId;
  }
}

/** A short stable hash for ids derived from others. */
export function shortHash(...parts: readonly (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}
