import { z } from "zod";
import cn from "../../calendars/cn.json";
import { formatDays, parseDate } from "../contract/calendar";
import { isoDate } from "./values";
import { type PinnedCalendar, WorkingCalendar } from "./working-days";

/**
 * How a city pays once an entitlement changes (docs/contract/payments.md § City settings). Where the
 * platforms in practice differ — notice in working or calendar days, whether silence is consent, which
 * credit lists bar payment, whether a debt is netted across programs — the city file says which way it
 * goes; every default is Jinhua's and Guangdong's practice.
 */
const noticeDays = z.union([
  z.strictObject({ working: z.number().int().min(1).max(30) }),
  z.strictObject({ calendar: z.number().int().min(1).max(60) }),
]);

export const BENEFICIARY_KINDS = [
  "enterprise",
  "team",
  "carrier",
  "district",
  "bank",
  "institution",
] as const;

export const paymentsSchema = z
  .strictObject({
    /** 公示: 5 working days in Jinhua and Guangdong, 10 calendar days in Shenzhen. */
    noticeDays: noticeDays.default({ working: 5 }),
    /** Working days a beneficiary has to confirm (or decline) after its notice. */
    confirmationWorkingDays: z.number().int().min(1).max(60).default(10),
    /** At the deadline, silence counts as consent — only where an account reference is on file. */
    silenceIsConsent: z.boolean().default(false),
    batches: z
      .strictObject({ cadence: z.enum(["manual", "month-end"]).default("manual") })
      .default({ cadence: "manual" }),
    credit: z
      .strictObject({
        /** The credit registry's lists that bar payment (失信被执行人, 严重违法失信名单, …). */
        lists: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,40}$/)).min(1),
        /** Kinds of beneficiary identified by a USCC; other kinds cannot be screened here. */
        screenedKinds: z.array(z.enum(BENEFICIARY_KINDS)).default(["enterprise"]),
      })
      .default({ lists: ["dishonest-debtor", "serious-illegal"], screenedKinds: ["enterprise"] }),
    /** Debts are netted against the same program's next lines, or any program's. */
    netting: z.enum(["program", "beneficiary"]).default("program"),
    /** Calendar days after which an open receivable is reported overdue. */
    receivableOverdueDays: z.number().int().min(1).max(3650).default(90),
    /** Kinds paid without a confirmation: transfers between governments. */
    confirmationExemptKinds: z.array(z.enum(BENEFICIARY_KINDS)).default(["district"]),
    /** Per program: a restriction found at approval holds the line (default) or forfeits it. */
    programs: z
      .record(
        z.string(),
        z.strictObject({
          creditRestriction: z.enum(["hold", "forfeit"]).default("hold"),
          batchCadence: z.enum(["manual", "month-end"]).optional(),
        }),
      )
      .default({}),
    /** Days the city adds to China's official calendar (calendars/cn.json). */
    calendar: z
      .strictObject({ holidays: z.array(isoDate).default([]), workdays: z.array(isoDate).default([]) })
      .default({ holidays: [], workdays: [] }),
  })
  .default({
    noticeDays: { working: 5 },
    confirmationWorkingDays: 10,
    silenceIsConsent: false,
    batches: { cadence: "manual" },
    credit: { lists: ["dishonest-debtor", "serious-illegal"], screenedKinds: ["enterprise"] },
    netting: "program",
    receivableOverdueDays: 90,
    confirmationExemptKinds: ["district"],
    programs: {},
    calendar: { holidays: [], workdays: [] },
  });

export type PaymentsSettings = z.output<typeof paymentsSchema>;

/** A city's payment rules with its working-day calendar, as the lifecycle reads them. */
export interface PaymentRules {
  readonly settings: PaymentsSettings;
  readonly calendar: WorkingCalendar;
  cadenceOf(program: string): "manual" | "month-end";
  creditRestrictionOf(program: string): "hold" | "forfeit";
  /** The last day of a notice window starting after `closedOn`. */
  noticeEnd(closedOn: string): { start: string; end: string };
  /** The confirmation deadline of a notice sent on `sentOn`. */
  confirmationDeadline(sentOn: string): string;
}

export function paymentRules(settings: PaymentsSettings): PaymentRules {
  const calendar = new WorkingCalendar(cn as PinnedCalendar, settings.calendar);
  return {
    settings,
    calendar,
    cadenceOf: (program) => settings.programs[program]?.batchCadence ?? settings.batches.cadence,
    creditRestrictionOf: (program) => settings.programs[program]?.creditRestriction ?? "hold",
    noticeEnd(closedOn) {
      const days =
        "working" in settings.noticeDays
          ? calendar.workingDaysAfter(closedOn, settings.noticeDays.working)
          : calendarDaysAfter(closedOn, settings.noticeDays.calendar);
      return { start: days[0] as string, end: days.at(-1) as string };
    },
    confirmationDeadline: (sentOn) => calendar.nthWorkingDayAfter(sentOn, settings.confirmationWorkingDays),
  };
}

function calendarDaysAfter(date: string, count: number): string[] {
  const first = (parseDate(date) ?? 0) + 1;
  return Array.from({ length: count }, (_, i) => formatDays(first + i));
}
