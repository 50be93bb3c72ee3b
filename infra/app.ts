/** The CDK app (cdk.json: `npx tsx infra/app.ts`, on the project's Node 22): see create-app.ts. */
import { createApp } from "./create-app";

createApp().synth();
