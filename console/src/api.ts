/**
 * Calls to the workbench API (docs/contract/workbench.md). Locally the development login's cookie names the
 * session; deployed, the bureau's federated session signs each call (SigV4), which the console does not do
 * itself yet. Errors arrive as application/problem+json (RFC 9457) and are thrown as ProblemError.
 */
export const API_BASE = "/api";

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
    const body = JSON.parse(text) as Partial<Problem>;
    return { title: body.title ?? response.statusText, status: response.status, ...body } as Problem;
  } catch {
    return { title: response.statusText || "error", status: response.status, detail: text.slice(0, 300) };
  }
}

export async function getJson<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const search = params.size ? `?${params}` : "";
  const response = await fetch(`${API_BASE}${path}${search}`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new ProblemError(await problemOf(response));
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
  const response = await fetch(`${API_BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key, accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new ProblemError(await problemOf(response));
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

/** The URL of an export the browser downloads as it is (XLSX or CSV, produced by the API). */
export function exportUrl(path: string, format: "xlsx" | "csv"): string {
  return `${API_BASE}${path}.${format}`;
}
