/**
 * The city's synthesised CloudFormation template, read for what the local stack is made of, so that local
 * and cloud cannot drift: table keys, indexes and stream; queue names, FIFO, visibility and redrive; event
 * source batch sizes, concurrency and retries; function timeouts; the relay's filter pattern.
 * provision.ts creates the table and queues it declares.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateShapeError } from "./errors";

export type Resource = { Type: string; Properties: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource> };

/**
 * Synthesises one city's stack in-process without bundling, CloudFormation validation or cdk-nag: they
 * build and check what is deployed (tests/infra/ and `npm run synth` run them), the template is the same.
 * The CDK is loaded here, on first use, not by whoever imports this module: it takes seconds to load.
 */
export async function synthesizeCityTemplate(city: string): Promise<Template> {
  const [{ App }, { createApp }] = await Promise.all([import("aws-cdk-lib"), import("../infra/create-app")]);
  const outdir = mkdtempSync(join(tmpdir(), "autogrant-cdk-"));
  try {
    const context = { "aws:cdk:bundling-stacks": [] };
    const app = createApp(new App({ outdir, context, builtinCloudFormationValidation: false }), {
      cities: [city],
      nag: false,
    });
    // Read here: the artifact reads its file lazily, and the directory goes below.
    return structuredClone(app.synth().getStackByName(`Autogrant-${city}`).template) as Template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const synthesized = new Map<string, Promise<Template>>();

/** The city's template, synthesised once per process however many stacks or tables are made from it. */
export function cityTemplate(city: string): Promise<Template> {
  let template = synthesized.get(city);
  if (!template) {
    template = synthesizeCityTemplate(city);
    synthesized.set(city, template);
    template.catch(() => synthesized.delete(city));
  }
  return template;
}

/** What a local run changes on purpose: the ingest queue's visibility timeout and receive limit. */
export interface LocalOverrides {
  /** Shortened locally so that a waiting fact whose original never comes is dead-lettered in seconds. */
  visibilityTimeoutSeconds?: number;
  receiveLimit?: number;
}

export interface TemplateSettings {
  ingest: {
    /** The function's timeout. */
    timeoutSeconds: number;
    batchSize: number;
    /** Each channel's mapping's ceiling, by publisher id. */
    maxConcurrency: Readonly<Record<string, number>>;
    receiveLimit: number;
    visibilityTimeoutSeconds: number;
  };
  relay: { timeoutSeconds: number; batchSize: number; retryAttempts: number; filterPattern: unknown };
}

type Redrive = { deadLetterTargetArn: unknown; maxReceiveCount: number };

/** The template's resources by the role they play; queues by logical id. */
export interface StackShape {
  table: Resource;
  queues: ReadonlyMap<string, Resource>;
  ingest: {
    fn: Resource;
    /** The city's own rejected queue (REJECTED_QUEUE_URL): a record from no publisher's queue. */
    rejectedQueueId: string;
    /** One per publisher: its mapping, ingest queue, dead letters and rejected queue. */
    channels: ChannelShape[];
  };
  relay: { fn: Resource; mapping: Resource; payoutsQueueId: string; payoutsDeadLetterQueueId: string };
}

export interface ChannelShape {
  publisherId: string;
  mapping: Resource;
  queueId: string;
  deadLetterQueueId: string;
  rejectedQueueId: string;
}

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
export const refOf = (value: unknown): string =>
  (value as { Ref?: string })?.Ref ??
  (value as { "Fn::GetAtt"?: [string, string] })?.["Fn::GetAtt"]?.[0] ??
  "";

export const redriveOf = (queue: Resource | undefined): Redrive | undefined =>
  queue?.Properties.RedrivePolicy as Redrive | undefined;

function only(template: Template, type: string, where: (r: Resource) => boolean = () => true) {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type && where(r));
  if (found.length !== 1) {
    throw new TemplateShapeError(`the template has ${found.length} ${type} resources where one was expected`);
  }
  return found[0] as [string, Resource];
}

const variables = (r: Resource) =>
  (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};

function deadLetterOf(queues: ReadonlyMap<string, Resource>, id: string): string {
  const target = refOf(redriveOf(queues.get(id))?.deadLetterTargetArn);
  if (!queues.has(target))
    throw new TemplateShapeError(`queue ${id} has no dead-letter queue in the template`);
  return target;
}

/** Every environment variable of the functions that names a queue, with that queue's logical id. */
export function queueVariables(template: Template): Record<string, string> {
  const shape = stackShape(template);
  const out: Record<string, string> = {};
  for (const fn of [shape.ingest.fn, shape.relay.fn]) {
    for (const [name, value] of Object.entries(variables(fn))) {
      if (shape.queues.has(refOf(value))) out[name] = refOf(value);
    }
  }
  return out;
}

/** Finds the table, the queues, both functions and their event source mappings. */
export function stackShape(template: Template): StackShape {
  // Both functions know the table now (the relay reads the outbox by key): ingest is the one publishing rejections.
  const [, ingestFn] = only(template, "AWS::Lambda::Function", (r) => "REJECTED_QUEUE_URL" in variables(r));
  const [, relayFn] = only(template, "AWS::Lambda::Function", (r) => "PAYOUTS_QUEUE_URL" in variables(r));
  const [tableId, table] = only(template, "AWS::DynamoDB::Table");
  const mapping = "AWS::Lambda::EventSourceMapping";
  const [, relayMapping] = only(template, mapping, (r) => refOf(r.Properties.EventSourceArn) === tableId);
  const queues = new Map(Object.entries(template.Resources).filter(([, r]) => r.Type === "AWS::SQS::Queue"));
  const payoutsQueueId = refOf(variables(relayFn).PAYOUTS_QUEUE_URL);
  const rejectedQueueId = refOf(variables(ingestFn).REJECTED_QUEUE_URL);
  for (const id of [payoutsQueueId, rejectedQueueId]) {
    if (!queues.has(id)) throw new TemplateShapeError(`queue ${id} is not in the template`);
  }
  const ingestMappings = Object.values(template.Resources).filter(
    (r) => r.Type === mapping && refOf(r.Properties.EventSourceArn) !== tableId,
  );
  return {
    table,
    queues,
    ingest: {
      fn: ingestFn,
      rejectedQueueId,
      channels: ingestMappings.map((m) =>
        channelShape(queues, m, String(queues.get(rejectedQueueId)?.Properties.QueueName)),
      ),
    },
    relay: {
      fn: relayFn,
      mapping: relayMapping,
      payoutsQueueId,
      payoutsDeadLetterQueueId: deadLetterOf(queues, payoutsQueueId),
    },
  };
}

/** A channel from its mapping: the publisher id is its queue's name after `-ingest-` (channelQueueNames). */
function channelShape(
  queues: ReadonlyMap<string, Resource>,
  mapping: Resource,
  rejectedName: string,
): ChannelShape {
  const queueId = refOf(mapping.Properties.EventSourceArn);
  const name = String(queues.get(queueId)?.Properties.QueueName ?? "");
  const publisherId = /-ingest-([a-z0-9-]+)$/.exec(name)?.[1];
  if (!publisherId)
    throw new TemplateShapeError(`ingest mapping reads ${queueId} (${name}), no publisher's queue`);
  const rejected = [...queues].find(([, q]) => q.Properties.QueueName === `${rejectedName}-${publisherId}`);
  if (!rejected)
    throw new TemplateShapeError(`publisher ${publisherId} has no rejected queue in the template`);
  return {
    publisherId,
    mapping,
    queueId,
    deadLetterQueueId: deadLetterOf(queues, queueId),
    rejectedQueueId: rejected[0],
  };
}

/** The event sources' settings as the template declares them, with a local run's overrides applied. */
export function templateSettings(template: Template, overrides: LocalOverrides = {}): TemplateSettings {
  const { ingest, relay, queues } = stackShape(template);
  // Every channel's queue is made alike (queues.ts): the first stands for all.
  const ingestQueue = queues.get(ingest.channels[0]?.queueId ?? "");
  const first = ingest.channels[0]?.mapping.Properties ?? {};
  const filters = (relay.mapping.Properties.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)
    ?.Filters;
  const ceiling = (m: Resource) =>
    Number(
      (m.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 2,
    );
  return {
    ingest: {
      timeoutSeconds: Number(ingest.fn.Properties.Timeout ?? 3),
      batchSize: Number(first.BatchSize ?? 10),
      maxConcurrency: Object.fromEntries(ingest.channels.map((c) => [c.publisherId, ceiling(c.mapping)])),
      receiveLimit: overrides.receiveLimit ?? Number(redriveOf(ingestQueue)?.maxReceiveCount),
      visibilityTimeoutSeconds:
        overrides.visibilityTimeoutSeconds ?? Number(ingestQueue?.Properties.VisibilityTimeout ?? 30),
    },
    relay: {
      timeoutSeconds: Number(relay.fn.Properties.Timeout ?? 3),
      batchSize: Number(relay.mapping.Properties.BatchSize ?? 100),
      retryAttempts: Number(relay.mapping.Properties.MaximumRetryAttempts ?? -1),
      filterPattern: filters?.[0] ? JSON.parse(filters[0].Pattern) : undefined,
    },
  };
}
