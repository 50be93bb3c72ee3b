import { daysFromCivil, formatDays, isRealDate, pad } from "./calendar";

/** RFC 3339 date-time with a numeric or `Z` offset (T and Z may be lower case, as RFC 3339 §5.6 allows). */
export const TIME_PATTERN =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;

const SECONDS_PER_DAY = 86_400;
const CHINA_OFFSET_SECONDS = 8 * 3600;
/** RFC 3339 years are four digits: every instant, and its China date, lies in 0000-01-01…9999-12-31. */
const FIRST_DAY = daysFromCivil(0, 1, 1);
const LAST_DAY = daysFromCivil(9999, 12, 31);
const EPOCH_DAY = daysFromCivil(1970, 1, 1);

export type ParsedTime =
  | {
      ok: true;
      canonical: string;
      chinaDate: string;
      /** Seconds since 1970-01-01T00:00:00Z (negative before), and the nanoseconds within that second. */
      epochSeconds: number;
      nanos: number;
    }
  | { ok: false; problem: string };

/**
 * Parses `time` to a fixed-width UTC string with nanoseconds (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`), whose string
 * order is time order, and the China (UTC+8) date of the instant. Integer arithmetic only; digits past
 * nanoseconds are dropped.
 */
export function parseTime(time: string): ParsedTime {
  const m = TIME_PATTERN.exec(time);
  if (!m) {
    return {
      ok: false,
      problem: `must be an RFC 3339 date-time with an offset, like "2024-11-20T09:30:00+08:00" (got ${JSON.stringify(time)})`,
    };
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i])) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (!isRealDate(year, month, day)) return { ok: false, problem: `${date} is not a real calendar date` };
  if (hour > 23) return { ok: false, problem: `hour ${m[4]} is out of range 00–23` };
  if (minute > 59) return { ok: false, problem: `minute ${m[5]} is out of range 00–59` };
  if (second > 59) return { ok: false, problem: `second ${m[6]} is out of range 00–59` };
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) {
    return { ok: false, problem: `offset ${m[8]}${m[9]}:${m[10]} is out of range (at most ±23:59)` };
  }
  const offset = (m[8] === "-" ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  const utcSeconds =
    daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
  const utcDays = Math.floor(utcSeconds / SECONDS_PER_DAY);
  const chinaDays = Math.floor((utcSeconds + CHINA_OFFSET_SECONDS) / SECONDS_PER_DAY);
  if (utcDays < FIRST_DAY || utcDays > LAST_DAY) {
    return { ok: false, problem: "is outside the years 0000–9999 in UTC" };
  }
  // From 9999-12-31T16:00Z the China date is in the year 10000, which no date of the contract can name.
  if (chinaDays > LAST_DAY) {
    return { ok: false, problem: "is outside the years 0000–9999 as a China (UTC+8) date (year 10000)" };
  }
  const secondOfDay = utcSeconds - utcDays * SECONDS_PER_DAY;
  const clock = [Math.floor(secondOfDay / 3600), Math.floor(secondOfDay / 60) % 60, secondOfDay % 60]
    .map((v) => pad(v, 2))
    .join(":");
  const nanos = (m[7] ?? "").padEnd(9, "0").slice(0, 9);
  return {
    ok: true,
    canonical: `${formatDays(utcDays)}T${clock}.${nanos}Z`,
    chinaDate: formatDays(chinaDays),
    epochSeconds: utcSeconds - EPOCH_DAY * SECONDS_PER_DAY,
    nanos: Number(nanos),
  };
}
