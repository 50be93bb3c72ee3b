/**
 * npm run calendar -- [--from 2023] [--to 2026]
 * Pins China's official working-day calendar (State Council 放假安排: holidays and make-up working days,
 * 调休) as data in calendars/cn.json, from the chinese-days package. The ledger reads only the pinned file,
 * so a replay never changes when the package updates; tests/policy/calendar.test.ts checks the file still
 * agrees with the package. Pin a new year as soon as it is announced (usually November or December).
 */
import { writeFileSync } from "node:fs";
import chineseDays from "chinese-days";
import { formatDays, parseDate } from "../shared/contract/calendar";
import { pinnedCalendarOf } from "../shared/policy/working-days";
import { commandArgs, parseFlags, wholeNumber } from "./lib/cli";

const CN_CALENDAR_FILE = new URL("../calendars/cn.json", import.meta.url).pathname;

const { from, to } = commandArgs("calendar", "npm run calendar -- [--from 2023] [--to 2026]", (argv) => {
  const values = parseFlags(argv, { from: { type: "string" }, to: { type: "string" } });
  return {
    from: wholeNumber(values.from ?? "2023", "from", 2000),
    to: wholeNumber(values.to ?? "2026", "to", 2000),
  };
});
const isWorkday = (date: string) => chineseDays.isWorkday(date);
const dates: string[] = [];
for (let day = parseDate(`${from}-01-01`) ?? 0; day <= (parseDate(`${to}-12-31`) ?? 0); day++) {
  dates.push(formatDays(day));
}
const pinned = pinnedCalendarOf(dates, isWorkday, { from, to, source: "chinese-days 1.5.7" });
writeFileSync(CN_CALENDAR_FILE, `${JSON.stringify(pinned, null, 2)}\n`);
console.log(
  `pinned ${from}–${to}: ${pinned.holidays.length} weekday holidays, ${pinned.workdays.length} make-up working days → ${CN_CALENDAR_FILE}`,
);
