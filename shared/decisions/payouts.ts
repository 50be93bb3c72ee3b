import { createHash } from "node:crypto";
import type { FactType } from "../contract";
import { type Fen, fenToSafeNumber, fenToYuan } from "../money";
import type { Beneficiary } from "../policy/parties";

/** One change to what the city owes a beneficiary: the outbound payouts contract, exactly. */
export interface PayoutMessage {
  kind: "payout" | "clawback";
  payoutId: string;
  city: string;
  program: string;
  clause: string;
  policyVersion: string;
  beneficiary: Beneficiary;
  period: number;
  amountFen: number;
  amount: string;
  /** Only for a program that names funders (payouts.md § Funders): every funder, in the city file's order. */
  funders?: FunderLine[];
  status: "payable" | "awaiting-budget";
  cause: { source: string; id: string; type: FactType };
  explanation: string;
  computedAt: string;
}

/** One funder's part of a payout: the lines of a payout sum to its `amountFen` exactly. */
export interface FunderLine {
  funder: string;
  amountFen: number;
  amount: string;
}

/** A held payout made payable by new budget; it carries no amount and must not be summed. */
export interface ReleaseMessage {
  kind: "release";
  releaseId: string;
  payoutId: string;
  city: string;
  program: string;
  beneficiary: Beneficiary;
  period: number;
  releasedAt: string;
}

function shortHash(...parts: readonly (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

/** Stable across redeliveries: city, cause `(source, id)`, program, beneficiary and period. */
export function payoutIdOf(
  city: string,
  cause: { source: string; id: string },
  program: string,
  beneficiary: Beneficiary,
  period: number,
): string {
  return `po_${shortHash(city, cause.source, cause.id, program, beneficiary.kind, beneficiary.id, period)}`;
}

export function releaseIdOf(payoutId: string): string {
  return `rl_${shortHash("release", payoutId)}`;
}

export function payoutMessage(
  fields: Omit<PayoutMessage, "kind" | "amountFen" | "amount" | "funders"> & {
    amountFen: Fen;
    funderFen?: ReadonlyMap<string, Fen> | undefined;
  },
) {
  // Field order as in the contract, so a finance officer reads messages the way the spec shows them.
  const message: PayoutMessage = {
    kind: fields.amountFen > 0n ? "payout" : "clawback",
    payoutId: fields.payoutId,
    city: fields.city,
    program: fields.program,
    clause: fields.clause,
    policyVersion: fields.policyVersion,
    beneficiary: fields.beneficiary,
    period: fields.period,
    amountFen: fenToSafeNumber(fields.amountFen),
    amount: fenToYuan(fields.amountFen),
    // Absent, not empty, for a program without funders: its messages stay exactly as before the field.
    ...(fields.funderFen ? { funders: funderLinesOf(fields.funderFen) } : {}),
    status: fields.status,
    cause: fields.cause,
    explanation: fields.explanation,
    computedAt: fields.computedAt,
  };
  return message;
}

export function funderLinesOf(funderFen: ReadonlyMap<string, Fen>): FunderLine[] {
  return [...funderFen].map(([funder, fen]) => ({
    funder,
    amountFen: fenToSafeNumber(fen),
    amount: fenToYuan(fen),
  }));
}
