import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Each file that needs DynamoDB Local and the SQS emulator starts its own (tests/support/engines.ts),
    // so files run side by side; most of a stack-level file's time is spent waiting on visibility timeouts.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
