/**
 * The order files start in: those that run the local stack first. Vitest orders files by their last
 * durations, and on a clean clone (CI) — with none recorded — by size, which put the 15-line crash tests,
 * 20–50 s each on the stack, last: one worker ran them while the other had finished (372 s of wall time
 * against 317 s longest first, on 2 cores). Within each group vitest's own order stands.
 */
import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The calls that drive the whole stack: the LocalStack harness, the crash harness, `npm start`. */
const STARTS_THE_STACK = /\b(throughStack|throughCrashingStack|LocalStack\.start)\(|scripts\/start\.ts/;

export default class StackFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const stack = (file: TestSpecification) => STARTS_THE_STACK.test(readFileSync(file.moduleId, "utf8"));
    return [...sorted.filter(stack), ...sorted.filter((file) => !stack(file))];
  }
}
