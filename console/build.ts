/**
 * Bundles the console into static files (index.html, style.css, app.js) with esbuild: ECharts comes from
 * node_modules into app.js, so the page fetches nothing from the internet when it opens. The local
 * adapter serves the output; a deployment uploads the same files.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const source = join(import.meta.dirname, "src");

export async function buildConsole(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(source, "main.ts")],
    outfile: join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: false,
    legalComments: "linked",
    logLevel: "warning",
  });
  for (const file of ["index.html", "style.css"]) copyFileSync(join(source, file), join(outDir, file));
  return outDir;
}
