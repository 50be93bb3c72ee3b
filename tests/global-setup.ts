/**
 * Vitest globalSetup: one DynamoDB Local + one SQS emulator per `vitest run`, shared by all
 * test files (which isolate themselves with uniqueName()). Endpoints reach the test workers
 * through provide/inject; read them with tests/support/engines.ts.
 *
 * If AUTOGRANT_LOCAL_DYNAMODB_ENDPOINT and AUTOGRANT_LOCAL_SQS_ENDPOINT are both set (e.g. from
 * `npx tsx scripts/local/up.ts`), those already-running engines are used and nothing is started.
 */
import type { TestProject } from "vitest/node";
import { startEngines } from "../scripts/local/engines";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoFromEnv = process.env.AUTOGRANT_LOCAL_DYNAMODB_ENDPOINT;
  const sqsFromEnv = process.env.AUTOGRANT_LOCAL_SQS_ENDPOINT;
  if (dynamoFromEnv && sqsFromEnv) {
    project.provide("dynamoEndpoint", dynamoFromEnv);
    project.provide("sqsEndpoint", sqsFromEnv);
    return async () => {};
  }

  const engines = await startEngines();
  project.provide("dynamoEndpoint", engines.dynamodb.endpoint);
  project.provide("sqsEndpoint", engines.sqs.endpoint);
  return () => engines.stop();
}
