import { fileURLToPath } from "node:url";

/** The repository root: NodejsFunction's projectRoot, and where entries and the lock file are found. */
export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The Lambda handlers, relative to the repository root. */
export const ENTRIES = {
  ingest: "functions/ingest/handler.ts",
  relay: "functions/relay/handler.ts",
  workbench: "functions/workbench/handler.ts",
} as const;
export type FunctionName = keyof typeof ENTRIES;

/** Node 22 on Lambda (nodejs22.x): what the project runs and tests on locally too. */
export const NODE_TARGET = "node22";

/**
 * ESM output, preferring each package's ESM build (`module` before `main`): every dependency then
 * resolves to ESM and the bundle has no `require()` left, so no createRequire banner is needed.
 * tests/infra/bundles.test.ts loads the built bundles in Node 22 and checks there is no require shim.
 */
export const MAIN_FIELDS = ["module", "main"];

/**
 * The city file is inlined at build time (functions/lib/city.ts reads AUTOGRANT_CITY_CONFIG), so a
 * bundle carries the validated policy it was built with and never reads the file system for it.
 */
export function cityDefine(rawCityFile: unknown): Record<string, string> {
  return { "process.env.AUTOGRANT_CITY_CONFIG": JSON.stringify(JSON.stringify(rawCityFile)) };
}
