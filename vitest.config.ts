import { defineConfig } from "vitest/config";
import StackFirstSequencer from "./tests/sequencer";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Each file that needs DynamoDB Local and the SQS emulator starts its own (tests/support/engines.ts),
    // so files run side by side; most of a stack-level file's time is spent waiting on visibility timeouts
    // and on DynamoDB Local, so a third worker on 2 cores fills the wait: CPU 170 % → 186 %, the run
    // 303 s → 260 s on an idle 2-CPU machine (stack files first, tests/sequencer.ts).
    fileParallelism: true,
    maxWorkers: 3,
    sequence: { sequencer: StackFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
