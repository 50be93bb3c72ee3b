/** What every page reads: the period shown and the development flag the local adapter writes in. */
export interface DevFlag {
  users: { login: string; name: string; roles: string[] }[];
  period?: number;
}

declare global {
  var AUTOGRANT_DEV: DevFlag | undefined;
}

/** Present only when the local adapter served the page (never deployed). */
export const dev: DevFlag | undefined = globalThis.AUTOGRANT_DEV;

export const PAGES = ["overview", "queue", "trace", "budgets", "reconciliation"] as const;
export type PageName = (typeof PAGES)[number];

export function currentPage(): PageName {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0] ?? "";
  return (PAGES as readonly string[]).includes(name) ? (name as PageName) : "overview";
}

/** The hash's parameters (`#trace?id=…`): each page's own. */
export function hashParams(): URLSearchParams {
  return new URLSearchParams(location.hash.split("?")[1] ?? "");
}

export function currentPeriod(): number {
  const stored = Number(localStorage.getItem("period"));
  if (Number.isInteger(stored) && stored > 2000) return stored;
  return dev?.period ?? new Date().getFullYear();
}

export function setPeriod(period: number): void {
  localStorage.setItem("period", String(period));
}
