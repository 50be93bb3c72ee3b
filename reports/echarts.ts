/** ECharts' minified dist file, read from node_modules when a report is built, to be inlined into it. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export function echartsScript(): string {
  return readFileSync(createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js"), "utf8");
}
