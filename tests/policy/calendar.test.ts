import chineseDays from "chinese-days";
import { describe, expect, test } from "vitest";
import cn from "../../calendars/cn.json";
import { formatDays, parseDate } from "../../shared/contract/calendar";
import { type PinnedCalendar, WorkingCalendar, weekdayOf } from "../../shared/policy/working-days";

const pinned = cn as PinnedCalendar;
const calendar = new WorkingCalendar(pinned);

describe("China's working-day calendar (calendars/cn.json)", () => {
  test("the pinned file agrees with the chinese-days package on every day of the years it covers", () => {
    const disagreements: string[] = [];
    for (
      let day = parseDate(`${pinned.from}-01-01`) ?? 0;
      day <= (parseDate(`${pinned.to}-12-31`) ?? 0);
      day++
    ) {
      const date = formatDays(day);
      if (calendar.isWorkingDay(date) !== chineseDays.isWorkday(date)) disagreements.push(date);
    }
    expect(disagreements).toEqual([]); // re-pin with `npm run calendar` when the package changes
  });

  test("weekdays: 1970-01-01 was a Thursday, 2025-01-26 a Sunday", () => {
    expect(weekdayOf(0)).toBe(4);
    expect(weekdayOf(parseDate("2025-01-26") ?? 0)).toBe(0);
  });

  test("a notice across the 2025 Spring Festival counts its 调休 Sunday and skips the holiday", () => {
    // payments.md worked example: closed Friday 2025-01-24, 5 working days of notice.
    expect(calendar.workingDaysAfter("2025-01-24", 5)).toEqual([
      "2025-01-26",
      "2025-01-27",
      "2025-02-05",
      "2025-02-06",
      "2025-02-07",
    ]);
    expect(calendar.nthWorkingDayAfter("2025-02-08", 10)).toBe("2025-02-21");
  });

  test("National Day 2024: the 调休 Sunday before and Saturday after are working days", () => {
    expect(calendar.workingDaysAfter("2024-09-27", 6)).toEqual([
      "2024-09-29",
      "2024-09-30",
      "2024-10-08",
      "2024-10-09",
      "2024-10-10",
      "2024-10-11",
    ]);
    expect(calendar.isWorkingDay("2024-10-12")).toBe(true);
    expect(calendar.isWorkingDay("2024-10-07")).toBe(false);
  });

  test("a year the file does not cover counts Monday–Friday; a city may add days of its own", () => {
    expect(calendar.covers("2027-01-01")).toBe(false);
    expect(calendar.isWorkingDay("2027-01-01")).toBe(true); // a Friday: not pinned yet, so a working day
    const city = new WorkingCalendar(pinned, { holidays: ["2025-03-03"], workdays: ["2025-03-08"] });
    expect(city.isWorkingDay("2025-03-03")).toBe(false);
    expect(city.isWorkingDay("2025-03-08")).toBe(true);
    expect(() => calendar.nthWorkingDayAfter("2025-01-01", 0)).toThrow(RangeError);
  });
});
