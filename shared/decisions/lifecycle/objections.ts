import type { DataOf } from "../../contract";
import { type ItemKey, keys } from "../keys";
import { loaded, present } from "../snapshot";
import type { BatchItem, LineItem, Objection } from "./items";
import { beneficiaryOf, liftHold, requeueLine, unitLines } from "./lines";
import { effect, type LifecycleHandler, needing, type Outcome, todayOrWait } from "./outcome";
import { settle } from "./settle";
import { inWindow } from "./state";
import { lineViewKeys, missingForLines, namedLineKeys, refOf } from "./view";
import { WorkingSet } from "./working-set";

/** The line a published list names, with its batch: loaded, waited for, or unknown. */
function namedLine(
  lineId: string,
  snapshot: WorkingSet["snapshot"],
): Outcome | { line: LineItem; batch: BatchItem; key: ItemKey } {
  const named = namedLineKeys(lineId, snapshot);
  if (!("seriesKey" in named)) return named;
  const { key, seriesKey, batchKey } = named;
  if (!batchKey) return { waiting: { key: seriesKey, detail: `waits for the 公示 list holding ${lineId}` } };
  const second = needing(snapshot, [batchKey]);
  if (second) return second;
  const batch = present(snapshot, batchKey, "batch");
  const line = loaded(snapshot, key, "line");
  if (!line) return { rejected: `data.lineId: ${lineId} is not a line of ${batch.batchId}` };
  return { line, batch, key };
}

/** `objection.filed`: judged by its filing day against the line's notice window (payments.md § Objections). */
export const objectionFiled: LifecycleHandler<"objection.filed"> = (message, snapshot) => {
  const named = namedLine(message.data.lineId, snapshot);
  if (!("line" in named)) return named;
  const { line, batch } = named;
  const d = message.data;
  if (d.filedOn < batch.notice.start) {
    return {
      rejected: `data.filedOn: ${d.filedOn} is before the notice window of ${batch.batchId} opened (${batch.notice.start})`,
    };
  }
  const objection: Objection = {
    objectionId: d.objectionId,
    objector: d.objector.name,
    filedOn: d.filedOn,
    grounds: d.grounds,
    state: inWindow(d.filedOn, batch) ? "open" : "late",
  };
  const ws = new WorkingSet(snapshot);
  ws.write({ ...line, objections: [...line.objections, objection] });
  return effect(ws, undefined);
};

/** `objection.resolved`: dismissed → the line goes on; upheld → withdrawn, and its unit held. */
export const objectionResolved: LifecycleHandler<"objection.resolved"> = (message, snapshot, context) => {
  // The objection's filing is what this fact waits for (catalogue), so it stands here.
  const filed = present(snapshot, keys.fact("objection.filed", message.data.objectionId), "fact");
  const lineId = (filed.data as DataOf<"objection.filed">).lineId;
  const named = namedLine(lineId, snapshot);
  if (!("line" in named)) return named;
  const unit = unitOf(named.line, snapshot, context.city);
  if (!("ws" in unit)) return unit;
  const { ws } = unit;
  const today = todayOrWait(ws);
  if (typeof today !== "string") return today;
  const { outcome, resolvedOn } = message.data;
  const line = named.line;
  const objections = line.objections.map((o) =>
    o.objectionId !== message.data.objectionId
      ? o
      : { ...o, resolvedOn, state: o.state === "open" ? outcome : o.state },
  );
  const holds = outcome === "upheld" && objectionHolds(line, named.batch, message.data.objectionId);
  ws.write({ ...line, objections, ...(holds ? { withdrawnOn: today } : {}) });
  if (holds) holdUnit(ws, line);
  return effect(ws, settle(ws, unitLines(ws, line.beneficiary, line.program, line.period), context.city));
};

/** The line's unit — every open line of its program, beneficiary and period — loaded with their views. */
function unitOf(
  line: LineItem,
  snapshot: WorkingSet["snapshot"],
  city: Parameters<typeof lineViewKeys>[3],
): Outcome | { ws: WorkingSet } {
  const first = needing(snapshot, lineViewKeys(snapshot, refOf(line), line.beneficiary, city));
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const refs = (ws.read(keys.beneficiary(line.beneficiary), "beneficiary")?.openLines ?? []).filter(
    (r) => r.program === line.program && r.period === line.period,
  );
  const second = needing(
    snapshot,
    refs.map((r) => r.key),
  );
  if (second) return second;
  const third = needing(
    snapshot,
    missingForLines(snapshot, unitLines(ws, line.beneficiary, line.program, line.period), city),
  );
  return third ?? { ws };
}

/** An upheld objection that was in the window holds the unit (a late one is only recorded). */
function objectionHolds(line: LineItem, batch: BatchItem, objectionId: string): boolean {
  const objection = line.objections.find((o) => o.objectionId === objectionId);
  return objection !== undefined && inWindow(objection.filedOn, batch);
}

function holdUnit(ws: WorkingSet, line: LineItem): void {
  const beneficiary = beneficiaryOf(ws, line.beneficiary);
  if (beneficiary.holds.some((h) => h.program === line.program && h.period === line.period)) return;
  ws.write({ ...beneficiary, holds: [...beneficiary.holds, { program: line.program, period: line.period }] });
}

/** `hold.released`: the bureau releases a unit its upheld objection held; the withdrawn amount opens again. */
export const holdReleased: LifecycleHandler<"hold.released"> = (message, snapshot, context) => {
  const resolved = present(snapshot, keys.fact("objection.resolved", message.data.objectionId), "fact");
  if ((resolved.data as DataOf<"objection.resolved">).outcome !== "upheld") {
    return {
      rejected: `data.objectionId: ${message.data.objectionId} was dismissed; there is no hold to release`,
    };
  }
  if (!message.data.actor.roles.includes("approver")) {
    return { rejected: `data.actor.roles: ${message.data.actor.id} is not an approver` };
  }
  const filedKey = keys.fact("objection.filed", message.data.objectionId);
  const first = needing(snapshot, [filedKey]);
  if (first) return first;
  const lineId = (present(snapshot, filedKey, "fact").data as DataOf<"objection.filed">).lineId;
  const named = namedLine(lineId, snapshot);
  if (!("line" in named)) return named;
  const unit = unitOf(named.line, snapshot, context.city);
  if (!("ws" in unit)) return unit;
  const { ws } = unit;
  const withdrawn = liftHold(ws, named.line.beneficiary, named.line.program, named.line.period);
  const touched = withdrawn.flatMap((line) => requeueLine(ws, line, context.city));
  return effect(ws, settle(ws, touched, context.city));
};
