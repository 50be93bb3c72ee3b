import { NOT_YET_OPENED_ON, parseBatchId } from "../../contract";
import type { CityPolicy } from "../../policy/city";
import { collections, keys } from "../keys";
import { membersOf } from "../snapshot";
import type { Actor, BatchItem, ClockItem, LineItem, SeriesItem } from "./items";
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

/**
 * `batch.closed`: a preparer closes the open batch today; it holds the lines opened before today, and
 * its 公示 list is published (payments.md § Batches). Today's own lines wait for the next batch.
 */
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
  const window = openWindow(ref, series, today);
  if (ref.seq !== window.seq) {
    const open = `${ref.program}-${ref.period}-${window.seq}`;
    return {
      rejected:
        ref.seq < window.seq
          ? `data.batchId: ${batchId} is already closed`
          : `data.batchId: ${batchId} is not open (the open batch is ${open})`,
    };
  }
  const lines = needing(snapshot, [linesOf(window)]);
  if (lines) return lines;
  if (!membersOf(snapshot, linesOf(window), "line").length) {
    return {
      rejected: `data.batchId: ${batchId} has no lines opened before today (${today}); an empty batch cannot be closed`,
    };
  }
  return effect(ws, undefined, ...closeBatch(ws, window, today, actor, context.city));
};

/** The open batch of a series, if it closed with cut-off `cutoff`: its seq and window of days. */
export interface BatchWindow {
  period: number;
  program: string;
  seq: number;
  from: string;
  cutoff: string;
}

export function openWindow(
  ref: { period: number; program: string },
  series: SeriesItem | null,
  cutoff: string,
): BatchWindow {
  const cutoffs = series?.cutoffs ?? [];
  const from = cutoffs.at(-1) ?? NOT_YET_OPENED_ON;
  return { period: ref.period, program: ref.program, seq: cutoffs.length + 1, from, cutoff };
}

/** The lines a batch holds: opened on days in its window. */
export function linesOf(window: Pick<BatchWindow, "period" | "program" | "from" | "cutoff">) {
  return collections.linesOpened(window.period, window.program, window.from, window.cutoff);
}

/** Closes a series' open batch today (by a preparer, or on the cadence): the batch, its cut-off, the list. */
export function closeBatch(
  ws: WorkingSet,
  window: BatchWindow,
  today: string,
  actor: Actor | null,
  city: CityPolicy,
): PublicityListMessage[] {
  const { period, program, seq } = window;
  const lines = membersOf(ws.snapshot, linesOf(window), "line");
  const first = lines[0] as LineItem;
  const batch: BatchItem = {
    entity: "batch",
    key: keys.batch(period, program, seq),
    batchId: `${program}-${period}-${seq}`,
    policyVersion: first.policyVersion,
    program,
    clause: first.clause,
    period,
    seq,
    from: window.from,
    cutoff: window.cutoff,
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
  const seriesKey = keys.series(period, program);
  const series = (ws.read(seriesKey, "series") as SeriesItem | null) ?? {
    entity: "series" as const,
    key: seriesKey,
    policyVersion: first.policyVersion,
    program,
    period,
    cutoffs: [],
    version: 0,
  };
  ws.write({ ...series, cutoffs: [...series.cutoffs, window.cutoff] });
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
  const first = needing(snapshot, [keys.clock(), batchKey]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const batch = ws.read(batchKey, "batch") as BatchItem | null;
  if (!batch) return { waiting: { key: batchKey, detail: `waits for ${batchId} to be closed` } };
  const today = todayOrWait(ws);
  if (typeof today !== "string") return today;
  const problem = approvalProblem(batch, actor, today);
  if (problem) return { rejected: problem };
  const listed = needing(snapshot, [linesOf(batch)]);
  if (listed) return listed;
  const lines = membersOf(snapshot, linesOf(batch), "line");
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

/**
 * For the clock: the cut-off a program's month-end cadence has reached, on a clock day whose previous
 * ledger day was `clock.today`: the first of that day's month, once the ledger has lived in that month for
 * a whole day — only then is every line of the month before certainly written (a line opens on the day it
 * reads and checks the clock). Null when the cadence closes nothing today.
 */
export function cadenceCutoff(city: CityPolicy, program: string, clock: ClockItem | null): string | null {
  if (city.payments.cadenceOf(program) !== "month-end" || !clock) return null;
  const monthStart = `${clock.today.slice(0, 7)}-01`;
  return clock.previous === null || clock.previous < monthStart ? monthStart : null;
}
