import type { Rng } from "./rng";

/** A China (UTC+8) local calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** An instant, milliseconds since the epoch. */
export type Instant = number;

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Days since 1970-01-01 → date. */
function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayNumber(date: IsoDate): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function isoDate(year: number, month: number, day: number): IsoDate {
  return fromDayNumber(Math.floor(Date.UTC(year, month - 1, day) / DAY_MS));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** The date itself on a weekday, else the Monday after. */
export function weekday(date: IsoDate): IsoDate {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (dow === 6) return addDays(date, 2);
  if (dow === 0) return addDays(date, 1);
  return date;
}

/** A weekday between `from` and `to` (inclusive, give or take the weekend shift). */
export function dateBetween(rng: Rng, from: IsoDate, to: IsoDate): IsoDate {
  return weekday(addDays(from, rng.int(0, Math.max(0, daysBetween(from, to)))));
}

/** The sample's last fact dates: facts of 2026 fall in its first half (and are published by autumn). */
export const LAST_FACT_DATE: IsoDate = "2026-06-30";

/** A weekday of `year`, no later than `LAST_FACT_DATE`. */
export function dateIn(rng: Rng, year: number): IsoDate {
  const end = isoDate(year, 12, 28);
  return dateBetween(rng, isoDate(year, 1, 4), end < LAST_FACT_DATE ? end : LAST_FACT_DATE);
}

/** The instant of a China local wall-clock time. */
export function chinaInstant(date: IsoDate, hour: number, minute: number, second = 0, ms = 0): Instant {
  return Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

export function chinaDateOf(instant: Instant): IsoDate {
  return new Date(instant + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function chinaYearOf(instant: Instant): number {
  return yearOf(chinaDateOf(instant));
}

/** Some moment of office hours (08:30–18:30 China time) on `date`. */
export function officeHours(rng: Rng, date: IsoDate): Instant {
  const minuteOfDay = rng.int(8 * 60 + 30, 18 * 60 + 30);
  return chinaInstant(date, Math.floor(minuteOfDay / 60), minuteOfDay % 60, rng.int(0, 59), rng.int(0, 999));
}

/** When a registry publishes a fact dated `date`: `minDays`–`maxDays` later, on a weekday, in office hours. */
export function publishedAfter(rng: Rng, date: IsoDate, minDays: number, maxDays: number): Instant {
  return officeHours(rng, weekday(addDays(date, rng.int(minDays, maxDays))));
}

/** Hours later, same registry batch (`minutes` apart at least). */
export function later(rng: Rng, instant: Instant, minMinutes: number, maxMinutes: number): Instant {
  return instant + rng.int(minMinutes, maxMinutes) * 60_000 + rng.int(0, 59_999);
}

/**
 * How `time` is written. Registries mostly write China time with its offset; some write UTC (`Z`), some
 * add fractional seconds (milliseconds, or microseconds from Java stacks).
 */
export type TimeStyle = "offset" | "offset-ms" | "offset-us" | "utc" | "utc-ms";

export function formatInstant(instant: Instant, style: TimeStyle): string {
  const utc = style === "utc" || style === "utc-ms";
  const shifted = new Date(instant + (utc ? 0 : CHINA_OFFSET_MS));
  const base =
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}` +
    `T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`;
  const ms = pad(shifted.getUTCMilliseconds(), 3);
  const fraction =
    style === "offset-ms" || style === "utc-ms" ? `.${ms}` : style === "offset-us" ? `.${ms}000` : "";
  return `${base}${fraction}${utc ? "Z" : "+08:00"}`;
}

/** The same instant written in UTC, keeping fractional seconds if the style had them. */
export function utcStyleOf(style: TimeStyle): TimeStyle {
  return style === "offset" || style === "utc" ? "utc" : "utc-ms";
}
