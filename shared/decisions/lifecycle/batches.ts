import { parseBatchId } from "../../contract";
import type { CityPolicy } from "../../policy/city";
import { collections, keys } from "../keys";
import { membersOf } from "../snapshot";
import type { Actor, BatchItem, LineItem, SeriesItem } from "./items";
import { money, type PublicityListMessage } from "./messages";
import { effect, type LifecycleHandler, needing, todayOrWait } from "./outcome";
import { settle } from "./settle";
import { missingForLines } from "./view";
import { WorkingSet } from "./working-set";

/** Lines per 公示 list message: a batch beyond it is published in parts. */
export const LIST_PART_LINES = 500;

function programProblem(batchId: string, city: CityPolicy): string | undefined {
  const ref = parseBatchId(batchId);
  const version = ref && city.versionFor(ref.period);
  if (ref && version && city.program(version.id, ref.program)) return undefined;
  return `data.batchId: ${batchId} names no program of ${city.city} in force for its period`;
}

function roleProblem(actor: Actor, role: "preparer" | "approver"): string | undefined {
  return actor.roles.includes(role)
    ? undefined
    : `data.actor.roles: ${actor.id} is not a${role === "approver" ? "n" : ""} ${role}`;
}

/** `batch.closed`: a preparer closes the open batch; its 公示 list is published (payments.md § Batches). */
export const batchClosed: LifecycleHandler<"batch.closed"> = (message, snapshot, context) => {
  const { batchId, actor } = message.data;
  const invalid = programProblem(batchId, context.city) ?? roleProblem(actor, "preparer");
  if (invalid) return { rejected: invalid };
  const ref = parseBatchId(batchId) as NonNullable<ReturnType<typeof parseBatchId>>;
  const first = needing(snapshot, [keys.clock(), keys.series(ref.period, ref.program)]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const today = todayOrWait(ws);
  if (typeof today !== "string") return today;
  const series = ws.read(keys.series(ref.period, ref.program), "series") as SeriesItem | null;
  const openSeq = series?.openSeq ?? 1;
  if (ref.seq !== openSeq || !series?.openCount) {
    return {
      rejected:
        ref.seq < openSeq
          ? `data.batchId: ${batchId} is already closed`
          : ref.seq > openSeq
            ? `data.batchId: ${batchId} is not open (the open batch is ${ref.program}-${ref.period}-${openSeq})`
            : `data.batchId: ${batchId} has no lines; an empty batch cannot be closed`,
    };
  }
  const lines = needing(snapshot, [collections.batchLines(ref.period, ref.program, ref.seq)]);
  if (lines) return lines;
  return effect(ws, undefined, ...closeBatch(ws, series, today, actor, context.city));
};

/** Closes a series' open batch today (by a preparer, or on the cadence): the batch, the next seq, the list. */
export function closeBatch(
  ws: WorkingSet,
  series: SeriesItem,
  today: string,
  actor: Actor | null,
  city: CityPolicy,
): PublicityListMessage[] {
  const { period, program } = series;
  const seq = series.openSeq;
  const lines = membersOf(ws.snapshot, collections.batchLines(period, program, seq), "line");
  const clause = lines[0]?.clause ?? "";
  const batch: BatchItem = {
    entity: "batch",
    key: keys.batch(period, program, seq),
    batchId: `${program}-${period}-${seq}`,
    policyVersion: series.policyVersion,
    program,
    clause,
    period,
    seq,
    closedOn: today,
    closedBy: actor,
    notice: city.payments.noticeEnd(today),
    lineCount: lines.length,
    notices: {},
    instructions: {},
    lapsed: {},
    version: 0,
  };
  ws.write(batch);
  ws.write({ ...series, openSeq: seq + 1, openCount: 0 });
  return publicityLists(batch, lines, city);
}

/** The 公示 list: every line proposed for payment (not withdrawn, not reduced to nothing), in parts. */
function publicityLists(
  batch: BatchItem,
  lines: readonly LineItem[],
  city: CityPolicy,
): PublicityListMessage[] {
  const listed = lines.filter((line) => line.amountFen > 0n && !line.withdrawnOn);
  const parts = Math.max(1, Math.ceil(listed.length / LIST_PART_LINES));
  return Array.from({ length: parts }, (_, i) => {
    const part = listed.slice(i * LIST_PART_LINES, (i + 1) * LIST_PART_LINES);
    return {
      kind: "publicity-list",
      listId: parts === 1 ? batch.batchId : `${batch.batchId}.part-${i + 1}`,
      city: city.city,
      batchId: batch.batchId,
      program: batch.program,
      clause: batch.clause,
      period: batch.period,
      closedOn: batch.closedOn,
      notice: batch.notice,
      part: i + 1,
      parts,
      lines: part.map((line) => ({
        lineId: line.lineId,
        beneficiary: line.beneficiary,
        district: line.district,
        ...money(line.amountFen),
      })),
      total: money(part.reduce((sum, line) => sum + line.amountFen, 0n)),
    };
  });
}

/** `batch.approved`: an approver other than the preparer, after the window, covers the batch's lines. */
export const batchApproved: LifecycleHandler<"batch.approved"> = (message, snapshot, context) => {
  const { batchId, actor } = message.data;
  const invalid = programProblem(batchId, context.city) ?? roleProblem(actor, "approver");
  if (invalid) return { rejected: invalid };
  const ref = parseBatchId(batchId) as NonNullable<ReturnType<typeof parseBatchId>>;
  const batchKey = keys.batch(ref.period, ref.program, ref.seq);
  const first = needing(snapshot, [
    keys.clock(),
    batchKey,
    collections.batchLines(ref.period, ref.program, ref.seq),
  ]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const batch = ws.read(batchKey, "batch") as BatchItem | null;
  if (!batch) return { waiting: { key: batchKey, detail: `waits for ${batchId} to be closed` } };
  const today = todayOrWait(ws);
  if (typeof today !== "string") return today;
  const problem = approvalProblem(batch, actor, today);
  if (problem) return { rejected: problem };
  const lines = membersOf(snapshot, collections.batchLines(ref.period, ref.program, ref.seq), "line");
  const views = needing(snapshot, missingForLines(snapshot, lines, context.city));
  if (views) return views;
  ws.write({ ...batch, approvedOn: today, approvedBy: actor });
  return effect(ws, settle(ws, lines, context.city));
};

function approvalProblem(batch: BatchItem, actor: Actor, today: string): string | undefined {
  if (batch.approvedOn) return `data.batchId: ${batch.batchId} was approved on ${batch.approvedOn}`;
  if (batch.closedBy?.id === actor.id) {
    return `data.actor: ${actor.id} closed ${batch.batchId}; maker–checker needs another approver`;
  }
  if (today <= batch.notice.end) {
    return `data.batchId: the notice window of ${batch.batchId} runs until ${batch.notice.end} (today is ${today})`;
  }
  return undefined;
}

/** For the clock: whether a program's open batch closes on this day's cadence. */
export function closesOnCadence(
  city: CityPolicy,
  program: string,
  previous: string | null,
  today: string,
): boolean {
  return (
    city.payments.cadenceOf(program) === "month-end" &&
    previous !== null &&
    previous.slice(0, 7) < today.slice(0, 7)
  );
}
