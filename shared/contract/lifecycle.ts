import { z } from "zod";
import { show } from "./describe";
import { parseTime, TIME_PATTERN } from "./time";
import {
  amount,
  checkedString,
  date,
  hinted,
  identifier,
  name,
  oneOf,
  organisationId,
  reason,
  strict,
  usccDetail,
  year,
} from "./values";

/**
 * The payment lifecycle's fact types (docs/contract/payments.md § Publishers and new fact types): the
 * clock, the bureau's staff, the publicity office, the credit registry, the beneficiary's portal and the
 * treasury. Same envelope and value rules as every fact (events.md).
 */

/** `<program>-<period>-<seq>`: `innovation-voucher-2024-1`. */
export const BATCH_ID = /^([a-z][a-z0-9-]{1,62})-([0-9]{4})-([1-9][0-9]{0,5})$/;
/**
 * `<program>.<period>.<day opened, yyyymmdd>.<8 hex>`: `hte-first-award.2025.20250110.5f0c2a9e`. The day is
 * the ledger's date when the line opened (`00000000` before the first `clock.day`); which batch holds the
 * line follows from it (payments.md § Batches: a batch holds the lines opened before its cut-off day).
 */
export const LINE_ID = /^([a-z][a-z0-9-]{1,62})\.([0-9]{4})\.([0-9]{8})\.([0-9a-f]{8})$/;
/** `<lineId>.<attempt>`. */
export const INSTRUCTION_ID = /^([a-z][a-z0-9-]{1,62}\.[0-9]{4}\.[0-9]{8}\.[0-9a-f]{8})\.([1-9][0-9]{0,3})$/;
/** The day a line opened before the ledger's first `clock.day` sorts before every real day. */
export const NOT_YET_OPENED_ON = "0000-00-00";

export interface BatchRef {
  program: string;
  period: number;
  seq: number;
}
/** What a line id says: where the line lives (its partition and the day it opened), not its batch. */
export interface LineRefId {
  program: string;
  period: number;
  /** `yyyy-mm-dd`, or NOT_YET_OPENED_ON for a line opened before the ledger's first day. */
  openedOn: string;
  hash: string;
}

export function parseBatchId(batchId: string): BatchRef | undefined {
  const m = BATCH_ID.exec(batchId);
  return m ? { program: m[1] as string, period: Number(m[2]), seq: Number(m[3]) } : undefined;
}
export function parseLineId(lineId: string): LineRefId | undefined {
  const m = LINE_ID.exec(lineId);
  if (!m) return undefined;
  const day = m[3] as string;
  return {
    program: m[1] as string,
    period: Number(m[2]),
    openedOn: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`,
    hash: m[4] as string,
  };
}
/** The line id of a line opened on `openedOn` (null: before the ledger's first day). */
export function lineIdOf(program: string, period: number, openedOn: string | null, hash: string): string {
  return `${program}.${period}.${(openedOn ?? NOT_YET_OPENED_ON).replaceAll("-", "")}.${hash}`;
}
export function parseInstructionId(instructionId: string): { lineId: string; attempt: number } | undefined {
  const m = INSTRUCTION_ID.exec(instructionId);
  return m ? { lineId: m[1] as string, attempt: Number(m[2]) } : undefined;
}

function patterned(what: string, pattern: RegExp, example: string) {
  return hinted(
    checkedString(what, (value) =>
      pattern.test(value)
        ? undefined
        : `must be ${what} like ${JSON.stringify(example)} (got ${show(value)})`,
    ),
    { pattern: pattern.source },
  );
}

const batchId = patterned("a batch id", BATCH_ID, "innovation-voucher-2024-1");
const lineId = patterned("a line id", LINE_ID, "hte-first-award.2025.20250110.5f0c2a9e");
const instructionId = patterned(
  "an instruction id",
  INSTRUCTION_ID,
  "hte-first-award.2025.20250110.5f0c2a9e.1",
);
const programId = patterned("a program id", /^[a-z][a-z0-9-]{1,62}$/, "hte-first-award");
const funderId = patterned("a funder id", /^[a-z][a-z0-9-]{1,62}$/, "district");
const listId = patterned("a credit list id", /^[a-z][a-z0-9-]{1,40}$/, "dishonest-debtor");
const token = identifier(128);

export const STAFF_ROLES = ["viewer", "preparer", "approver", "auditor"] as const;

/** The person the workbench authenticated; the API fills it from its authorizer, never from a form. */
const actor = strict({
  // A staff id is a login name, lower case like an organisation id (the bureau's identity provider's).
  id: organisationId,
  name,
  roles: z.array(oneOf(STAFF_ROLES)).min(1),
});

const BENEFICIARY_KINDS = ["enterprise", "team", "carrier", "district", "bank", "institution"] as const;

/** A beneficiary by kind and id: an enterprise by its USCC, any other by its organisation or district id. */
const beneficiary = strict({ kind: oneOf(BENEFICIARY_KINDS), id: z.string() }).superRefine((b, ctx) => {
  const problem =
    b.kind === "enterprise"
      ? usccDetail(b.id)
      : organisationId.safeParse(b.id).success
        ? undefined
        : `must be an organisation or district id (got ${show(b.id)})`;
  if (problem) ctx.addIssue({ code: "custom", path: ["id"], message: problem });
});

const DATA = "a JSON object";

/**
 * The daily clock fact as an EventBridge schedule can send it: a schedule's payload learns the time only
 * as `<aws.scheduler.scheduled-time>` (UTC), so the fact carries that instant and the contract derives the
 * China date it stands for (`date`, what the ledger's clock moves to).
 */
const scheduledTime = hinted(
  checkedString("an RFC 3339 date-time", (value) => {
    const parsed = parseTime(value);
    return parsed.ok ? undefined : parsed.problem;
  }),
  { format: "date-time", pattern: TIME_PATTERN.source },
);
const clockDay = strict({ scheduledTime }, DATA).transform((d) => ({
  ...d,
  date: (parseTime(d.scheduledTime) as { chinaDate: string }).chinaDate,
}));

export function buildLifecycleSchemas() {
  return {
    "clock.day": clockDay,
    "batch.closed": strict({ batchId, actor }, DATA),
    "batch.approved": strict({ batchId, actor }, DATA),
    "budget.allocated": strict(
      {
        allocationId: token,
        policyVersion: programId,
        program: programId,
        period: year,
        amount: amount,
        // Only where the city file budgets the program's period by funder (payments.md § Budget).
        funder: funderId.optional(),
        actor,
      },
      DATA,
    ),
    "hold.released": strict({ objectionId: token, actor }, DATA),
    "objection.filed": strict(
      { objectionId: token, lineId, objector: strict({ name }), filedOn: date, grounds: reason },
      DATA,
    ),
    "objection.resolved": strict(
      { objectionId: token, outcome: oneOf(["dismissed", "upheld"]), resolvedOn: date, note: reason },
      DATA,
    ),
    "credit.restricted": strict(
      { list: listId, uscc: checkedString("a USCC", usccDetail), from: date, reason },
      DATA,
    ),
    "credit.cleared": strict(
      { list: listId, uscc: checkedString("a USCC", usccDetail), from: date, clearedOn: date },
      DATA,
    ),
    "payee.confirmed": strict({ beneficiary, accountRef: token, confirmedOn: date }, DATA),
    "payee.revoked": strict({ beneficiary, revokedOn: date }, DATA),
    "payee.declined": strict({ lineId, declinedOn: date }, DATA),
    "disbursement.paid": strict({ instructionId, reference: token, paidOn: date, amount: amount }, DATA),
    "disbursement.failed": strict({ instructionId, failedOn: date, reason }, DATA),
    "recovery.received": strict(
      {
        beneficiary,
        program: programId,
        period: year,
        amount: amount,
        receivedOn: date,
        reference: token,
      },
      DATA,
    ),
  } satisfies Record<string, z.ZodType>;
}

/** The date that dates each lifecycle fact (checked for future-date), or none: staff acts are dated by the clock. */
export const LIFECYCLE_DATE_FIELDS = {
  "clock.day": { kind: "date", field: "date" },
  "batch.closed": { kind: "none" },
  "batch.approved": { kind: "none" },
  "budget.allocated": { kind: "none" },
  "hold.released": { kind: "none" },
  "objection.filed": { kind: "date", field: "filedOn" },
  "objection.resolved": { kind: "date", field: "resolvedOn" },
  "credit.restricted": { kind: "date", field: "from" },
  "credit.cleared": { kind: "date", field: "clearedOn" },
  "payee.confirmed": { kind: "date", field: "confirmedOn" },
  "payee.revoked": { kind: "date", field: "revokedOn" },
  "payee.declined": { kind: "date", field: "declinedOn" },
  "disbursement.paid": { kind: "date", field: "paidOn" },
  "disbursement.failed": { kind: "date", field: "failedOn" },
  "recovery.received": { kind: "date", field: "receivedOn" },
} as const;
