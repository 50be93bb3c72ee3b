import { z } from "zod";
import { parseBatchId } from "../../../shared/contract";
import type { CityPolicy, PolicyVersion } from "../../../shared/policy/city";
import type { Program } from "../../../shared/policy/kinds";
import { InvalidRequestError, NotFoundError } from "../errors";
import { decodeCursor, type WorkbenchEvent } from "../http";

/** Path and query values every route reads the same way. */
export const period = z
  .string()
  .regex(/^[0-9]{4}$/, "must be a four-digit year")
  .transform(Number);
export const programId = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, "must be a program id");
export const batchId = z.string().refine((id) => parseBatchId(id) !== undefined, {
  message: 'must be a batch id like "innovation-voucher-2024-1"',
});

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 100;
export const paging = {
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, `must be a whole number 1–${MAX_LIMIT}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_LIMIT, `must be 1–${MAX_LIMIT}`)
    .optional(),
  cursor: z.string().min(1).max(4096).optional(),
};

/** The page a request asks for; its cursor must be of this query and this partition. */
export function pageOf(
  query: { limit?: number | undefined; cursor?: string | undefined },
  fingerprint: string,
  partition: readonly [string, string],
) {
  return {
    limit: query.limit ?? DEFAULT_LIMIT,
    after: decodeCursor(fingerprint, query.cursor, partition),
  };
}

/** The program as the version in force for the period has it, or 404. */
export function programOf(
  city: CityPolicy,
  year: number,
  id: string,
): { version: PolicyVersion; program: Program } {
  const version = city.versionFor(year);
  const program = version && city.program(version.id, id);
  if (!version || !program) throw new NotFoundError(`${city.city} has no program ${id} in ${year}`);
  return { version, program };
}

/** The batch id of a path, which must be of the path's program and period. */
export function batchOfPath(path: { period: number; program: string; batchId: string }) {
  const ref = parseBatchId(path.batchId);
  if (!ref || ref.program !== path.program || ref.period !== path.period) {
    throw new InvalidRequestError([
      {
        in: "path",
        name: "batchId",
        detail: `${path.batchId} is not a batch of ${path.program} ${path.period}`,
      },
    ]);
  }
  return ref;
}

export const query = (event: WorkbenchEvent) => event.queryStringParameters ?? {};
export const pathOf = (event: WorkbenchEvent) => event.pathParameters ?? {};
