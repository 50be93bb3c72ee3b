import { formatDays, parseDate } from "../contract/calendar";

/**
 * China's working-day calendar as the ledger uses it: Monday–Friday, minus the State Council's holidays,
 * plus its make-up working days (调休). The pinned data (calendars/cn.json) lists only the exceptions to
 * Monday–Friday for the years it covers; a city file may add holidays or working days of its own.
 */
export interface PinnedCalendar {
  source: string;
  /** The years the exceptions are complete for. Outside them only Monday–Friday counts. */
  from: number;
  to: number;
  /** Monday–Friday dates that are not worked (holidays), `YYYY-MM-DD`, sorted. */
  holidays: string[];
  /** Saturday and Sunday dates that are worked (调休), sorted. */
  workdays: string[];
}

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

const isWeekend = (dayNumber: number) => [0, 6].includes(weekdayOf(dayNumber));

/** The exceptions to Monday–Friday among `dates`, as an oracle (`isWorkday`) sees them. */
export function pinnedCalendarOf(
  dates: readonly string[],
  isWorkday: (date: string) => boolean,
  meta: { from: number; to: number; source: string },
): PinnedCalendar {
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const date of dates) {
    const weekend = isWeekend(parseDate(date) ?? 0);
    if (!weekend && !isWorkday(date)) holidays.push(date);
    if (weekend && isWorkday(date)) workdays.push(date);
  }
  return { source: meta.source, from: meta.from, to: meta.to, holidays, workdays };
}

export interface CalendarOverrides {
  holidays?: readonly string[];
  workdays?: readonly string[];
}

export class WorkingCalendar {
  readonly #holidays: ReadonlySet<string>;
  readonly #workdays: ReadonlySet<string>;

  constructor(
    readonly pinned: PinnedCalendar,
    overrides: CalendarOverrides = {},
  ) {
    this.#holidays = new Set([...pinned.holidays, ...(overrides.holidays ?? [])]);
    this.#workdays = new Set([...pinned.workdays, ...(overrides.workdays ?? [])]);
  }

  /** Whether the pinned calendar covers the date's year (outside it, only Monday–Friday counts). */
  covers(date: string): boolean {
    const year = Number(date.slice(0, 4));
    return year >= this.pinned.from && year <= this.pinned.to;
  }

  isWorkingDay(date: string): boolean {
    if (this.#workdays.has(date)) return true;
    if (this.#holidays.has(date)) return false;
    return !isWeekend(dayNumber(date));
  }

  /** The first `count` working days after `date` (not counting `date` itself). */
  workingDaysAfter(date: string, count: number): string[] {
    const out: string[] = [];
    for (let day = dayNumber(date) + 1; out.length < count; day++) {
      const candidate = formatDays(day);
      if (this.isWorkingDay(candidate)) out.push(candidate);
    }
    return out;
  }

  /** The `count`-th working day after `date`: a deadline of `count` working days. */
  nthWorkingDayAfter(date: string, count: number): string {
    if (count < 1) throw new RangeError(`a working-day count must be at least 1, got ${count}`);
    return this.workingDaysAfter(date, count).at(-1) as string;
  }
}

function dayNumber(date: string): number {
  const day = parseDate(date);
  if (day === undefined) throw new RangeError(`${date} is not a YYYY-MM-DD date`);
  return day;
}
