/**
 * A command as `npm run` runs it (`tsx scripts/….ts`), started as `node --import tsx`: the same loader
 * without npx's own start-up, ~0.7–1 s of CPU per process on 2 cores (commands.test.ts starts 36).
 */
export function tsx(script: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, ["--import", "tsx", script, ...args]];
}
