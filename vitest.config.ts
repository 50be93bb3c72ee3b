import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Starts DynamoDB Local + the SQS emulator once per run; endpoints reach tests via inject().
    globalSetup: ["tests/global-setup.ts"],
    // One file at a time: the stack-level suites share one DynamoDB Local, and on 2 cores they run
    // faster in turn than fighting over it (and no batch outlives its visibility timeout).
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
