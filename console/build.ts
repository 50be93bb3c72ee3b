/**
 * Bundles the console into static files (index.html, style.css, app.js) with esbuild: ECharts and the SigV4
 * signer come from node_modules into app.js, so the page fetches nothing from the internet when it opens.
 * The local adapter serves the output; the city stack deploys the same files (infra/console.ts), building
 * them synchronously, as CDK's local bundling runs.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BuildOptions, build, buildSync } from "esbuild";

export const CONSOLE_SOURCE = join(import.meta.dirname, "src");
const STATIC = ["index.html", "style.css"];

function options(outDir: string): BuildOptions {
  return {
    entryPoints: [join(CONSOLE_SOURCE, "main.ts")],
    outfile: join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: false,
    legalComments: "linked",
    logLevel: "warning",
  };
}

export async function buildConsole(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build(options(outDir));
  for (const file of STATIC) copyFileSync(join(CONSOLE_SOURCE, file), join(outDir, file));
  return outDir;
}

export function buildConsoleSync(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  buildSync(options(outDir));
  for (const file of STATIC) copyFileSync(join(CONSOLE_SOURCE, file), join(outDir, file));
  return outDir;
}
