/**
 * Calls to the workbench API (docs/contract/workbench.md). Every call is SigV4-signed (service execute-api)
 * with the session's temporary credentials, as the deployed API's IAM authorisation requires and the local
 * adapter verifies. Errors arrive as application/problem+json (RFC 9457) — or, from API Gateway itself, as
 * `{ "message": … }` — and are thrown as ProblemError.
 */

import { apiBase, apiRegion } from "./config";
import { storedSession } from "./credentials";
import { signRequest } from "./sigv4";

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { name?: string; reason?: string; detail?: string }[];
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.name = "ProblemError";
  }
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem> & { message?: string };
    const detail = body.detail ?? body.message;
    return { title: body.title ?? response.statusText, status: response.status, ...body, detail } as Problem;
  } catch {
    return { title: response.statusText || "error", status: response.status, detail: text.slice(0, 300) };
  }
}

/** A signed call; without a session it is sent unsigned, and refused 403 as API Gateway refuses it. */
async function signedFetch(method: string, url: URL, headers: Record<string, string>, body?: string) {
  const signedIn = storedSession();
  const signed = signedIn
    ? await signRequest({ method, url, headers, body }, signedIn.credentials, apiRegion() ?? signedIn.region)
    : headers;
  // The browser sets Host itself; it is signed, never sent from here.
  const { host: _host, ...sent } = signed;
  const response = await fetch(url, { method, headers: sent, body: body ?? null });
  if (!response.ok) throw new ProblemError(await problemOf(response));
  return response;
}

function apiUrl(path: string, query: Record<string, string | undefined> = {}): URL {
  const url = new URL(`${apiBase()}${path}`, location.origin);
  for (const [name, value] of Object.entries(query)) if (value) url.searchParams.set(name, value);
  return url;
}

export async function getJson<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const response = await signedFetch("GET", apiUrl(path, query), { accept: "application/json" });
  return (await response.json()) as T;
}

/** Every page of a paginated list route (`items`, `nextCursor`), up to `maxPages`. */
export async function getAll<T>(
  path: string,
  query: Record<string, string | undefined> = {},
  maxPages = 50,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const page = await getJson<{ items: T[]; nextCursor: string | null }>(path, {
      ...query,
      limit: "500",
      cursor,
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return all;
}

/**
 * An action: POST with a fresh Idempotency-Key, so the API sends the fact once however often the request
 * is retried (the key is the fact's id). Returns the 202 body.
 */
export async function act<T>(path: string, body?: unknown, key = crypto.randomUUID()): Promise<T> {
  const headers = { "content-type": "application/json", "idempotency-key": key, accept: "application/json" };
  const text = body === undefined ? undefined : JSON.stringify(body);
  const response = await signedFetch("POST", apiUrl(path), headers, text);
  return (await response.json()) as T;
}

/**
 * Reads again until `check` holds, at most `attempts` times: the core decides a fact after its 202, so a
 * change is seen once the ledger shows it. False when it never showed.
 */
export async function until(check: () => Promise<boolean>, attempts = 40, everyMs = 250): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}

/**
 * An export (XLSX or CSV, produced by the API) saved as the API names it. A link cannot sign its request,
 * so the file is a signed fetch turned into a blob that a temporary link saves.
 */
export async function downloadExport(path: string, format: "xlsx" | "csv"): Promise<void> {
  const response = await signedFetch("GET", apiUrl(`${path}.${format}`), { accept: "*/*" });
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${path.split("/").at(-1)}.${format}`;
  const href = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  // Released once the download has surely read it.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
