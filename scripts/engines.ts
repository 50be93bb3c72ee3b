/**
 * Starts DynamoDB Local and the SQS emulator and keeps them up until Ctrl-C.
 *
 *   npx tsx scripts/engines.ts
 *
 * Prints the endpoints as environment assignments. Exporting them before `npx vitest run`
 * makes every test file use these engines instead of starting its own (tests/support/engines.ts).
 */
import { startEngines } from "../local/engines";
import { commandArgs, parseFlags } from "./lib/cli";

commandArgs("engines", "npx tsx scripts/engines.ts", (argv) => parseFlags(argv, {}));

const started = performance.now();
const engines = await startEngines();
const ms = Math.round(performance.now() - started);

console.log(`engines up in ${ms} ms`);
console.log(`export AUTOGRANT_LOCAL_DYNAMODB_ENDPOINT=${engines.dynamodb.endpoint}`);
console.log(`export AUTOGRANT_LOCAL_SQS_ENDPOINT=${engines.sqs.endpoint}`);
console.log("Ctrl-C to stop");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void engines.stop().finally(() => process.exit(0));
  });
}
