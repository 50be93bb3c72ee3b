/**
 * Facts per second through a record handler (the Lambda code path minus the SQS poller): `workers`
 * concurrent loops pull sample lines from one shared list and hand each to the handler as an SQS record.
 * A record whose handler throws (a waiting fact, a lost-race give-up, an in-progress duplicate) goes to
 * the back of the list, like a redelivery after the visibility timeout, until the queue's receive limit.
 *
 * The sample is fed in rounds, each on its own fresh ledger (prepared before the clock starts when
 * possible), until at least `minSeconds` have passed; only whole rounds are measured, so the figure
 * always covers the sample's full mix of types, duplicates, rejections and waiting facts.
 */
import type { SQSRecord } from "aws-lambda";
import { channelArnFor } from "../local/records";
import { readCity } from "../shared/policy/files";

/** The bench replays Jinan's sample (run.ts), all of it accepted by SQS when the bench starts. */
const JINAN = readCity("jinan");
const SENT_AT = String(Date.now());

export interface Round {
  handler: (record: SQSRecord) => Promise<void>;
}

export interface ThroughputResult {
  workers: number;
  seconds: number;
  rounds: number;
  /** Sample lines finished: acknowledged, or dead-lettered after the receive limit. */
  facts: number;
  deliveries: number;
  acknowledged: number;
  deadLetters: number;
  /** Handler errors by name (FactWaitingError is the expected one). */
  errors: Record<string, number>;
  /** Rounds whose tables had to be created while the clock ran (should be 0). */
  roundsPreparedWhileTiming: number;
  factsPerSecond: number;
  deliveriesPerSecond: number;
}

interface Task {
  round: Round;
  roundIndex: number;
  line: string;
  index: number;
  deliveries: number;
}

function sqsRecord(task: Task): SQSRecord {
  return {
    messageId: `r${task.roundIndex}-${task.index}`,
    receiptHandle: `r${task.roundIndex}-${task.index}-${task.deliveries}`,
    body: task.line,
    attributes: {
      ApproximateReceiveCount: String(task.deliveries),
      SentTimestamp: SENT_AT,
      SenderId: "bench",
      ApproximateFirstReceiveTimestamp: SENT_AT,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    // Each line from its registry's own queue, as the stack receives it (events.md § Publishers).
    eventSourceARN: channelArnFor(JINAN, task.line),
    awsRegion: "us-east-1",
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the workers of one measurement count, together. */
interface Tally {
  facts: number;
  deliveries: number;
  acknowledged: number;
  deadLetters: number;
  errors: Record<string, number>;
}

/**
 * One delivery of a record: acknowledged, or on a throw put back behind the rest of the list (a
 * redelivery) until the receive limit dead-letters it.
 */
async function deliver(task: Task, tally: Tally, queue: Task[], receiveLimit: number): Promise<void> {
  task.deliveries++;
  tally.deliveries++;
  try {
    await task.round.handler(sqsRecord(task));
    tally.acknowledged++;
    tally.facts++;
  } catch (error) {
    const name = (error as Error)?.name ?? "Error";
    tally.errors[name] = (tally.errors[name] ?? 0) + 1;
    if (task.deliveries >= receiveLimit) {
      tally.deadLetters++;
      tally.facts++;
    } else queue.push(task);
  }
}

/**
 * Whole rounds of the sample through `workers` concurrent loops (see the file's comment). The workers,
 * the shared list of records and the round being appended share their state, so they stay in one function.
 */
export async function measureThroughput(options: {
  lines: readonly string[];
  workers: number;
  minSeconds: number;
  receiveLimit: number;
  /** Rounds prepared before the clock starts (tables created); more are prepared on demand. */
  preparedRounds: number;
  prepareRound: (index: number) => Promise<Round>;
}): Promise<ThroughputResult> {
  const { lines, receiveLimit } = options;
  const pool: Round[] = [];
  for (let i = 0; i < options.preparedRounds; i++) pool.push(await options.prepareRound(i));

  const queue: Task[] = [];
  const tally: Tally = { facts: 0, deliveries: 0, acknowledged: 0, deadLetters: 0, errors: {} };
  let rounds = 0;
  let inFlight = 0;
  let preparedWhileTiming = 0;
  let appending: Promise<void> | undefined;

  const appendRound = async () => {
    const roundIndex = rounds++;
    let round = pool[roundIndex];
    if (!round) {
      preparedWhileTiming++;
      round = await options.prepareRound(roundIndex);
    }
    lines.forEach((line, index) => {
      queue.push({ round, roundIndex, line, index, deliveries: 0 });
    });
  };

  await appendRound();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  const worker = async () => {
    for (;;) {
      const task = queue.shift();
      if (task) {
        inFlight++;
        await deliver(task, tally, queue, receiveLimit).finally(() => inFlight--);
      } else if (elapsed() < options.minSeconds) {
        appending ??= appendRound().finally(() => {
          appending = undefined;
        });
        await appending;
      } else if (inFlight === 0) return;
      else await pause(1);
    }
  };

  await Promise.all(Array.from({ length: options.workers }, worker));
  const seconds = elapsed();
  return {
    workers: options.workers,
    seconds,
    rounds,
    ...tally,
    roundsPreparedWhileTiming: preparedWhileTiming,
    factsPerSecond: tally.facts / seconds,
    deliveriesPerSecond: tally.deliveries / seconds,
  };
}

/** Several measurements of one figure as one: counts and seconds added, rates recomputed. */
export function combineThroughput(results: readonly ThroughputResult[]): ThroughputResult {
  const sum = (pick: (r: ThroughputResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const errors: Record<string, number> = {};
  for (const r of results) {
    for (const [name, count] of Object.entries(r.errors)) errors[name] = (errors[name] ?? 0) + count;
  }
  const seconds = sum((r) => r.seconds);
  return {
    workers: results[0]?.workers ?? 0,
    seconds,
    rounds: sum((r) => r.rounds),
    facts: sum((r) => r.facts),
    deliveries: sum((r) => r.deliveries),
    acknowledged: sum((r) => r.acknowledged),
    deadLetters: sum((r) => r.deadLetters),
    errors,
    roundsPreparedWhileTiming: sum((r) => r.roundsPreparedWhileTiming),
    factsPerSecond: sum((r) => r.facts) / seconds,
    deliveriesPerSecond: sum((r) => r.deliveries) / seconds,
  };
}
