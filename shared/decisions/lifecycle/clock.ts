import { formatDays, parseDate } from "../../contract/calendar";
import type { CityPolicy } from "../../policy/city";
import { type ItemKey, keyId, keys } from "../keys";
import { membersOf, type Need } from "../snapshot";
import { type BatchWindow, cadenceCutoff, closeBatch, linesOf, openWindow } from "./batches";
import type { AgendaItem, BeneficiaryItem, ClockItem, LineItem, ReceivableItem, SeriesItem } from "./items";
import { type LifecycleMessage, money, type ReceivableOverdueMessage } from "./messages";
import { effect, type LifecycleHandler, needing } from "./outcome";
import { emptyAgenda, settle } from "./settle";
import { missingForLines } from "./view";
import { WorkingSet } from "./working-set";

/**
 * `clock.day`: the ledger's date moves forward (never back: an older day changes nothing), and every
 * deadline up to it is reached — batches closing on the city's cadence, confirmation deadlines passed
 * (silence pays or the line lapses), restrictions whose clearance day has come, receivables overdue.
 */
export const clockDay: LifecycleHandler<"clock.day"> = (message, snapshot, context) => {
  const first = needing(snapshot, [keys.clock(), keys.agenda()]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const clock = ws.read(keys.clock(), "clock") as ClockItem | null;
  const today = message.data.date;
  if (clock && today <= clock.today) return { effect: { ws, messages: [], reason: "superseded" } };
  const agenda = (ws.read(keys.agenda(), "agenda") as AgendaItem | null) ?? emptyAgenda();
  const due = dueWork(agenda, today, context.city);
  const cadence = cadenceSeries(context.city, clock);
  const second = needing(snapshot, [...cadence.map((c) => c.key), ...due.needs]);
  if (second) return second;
  const windows = cadenceWindows(ws, cadence);
  const clearedLines = clearanceLines(ws, due.clearances);
  const third = needing(snapshot, [...windows.map(linesOf), ...clearedLines]);
  if (third) return third;
  const closing = windows.filter((w) => membersOf(snapshot, linesOf(w), "line").length > 0);
  const lines = [
    ...due.batches.flatMap((b) => membersOf(snapshot, linesOf(b), "line")),
    ...clearedLines
      .map((key) => ws.read(key, "line") as LineItem | null)
      .filter((l): l is LineItem => l !== null),
  ];
  const fourth = needing(snapshot, missingForLines(snapshot, lines, context.city));
  if (fourth) return fourth;

  ws.write({
    entity: "clock",
    key: keys.clock(),
    today,
    previous: clock?.today ?? null,
    version: clock?.version ?? 0,
  });
  const messages: LifecycleMessage[] = closing.flatMap((window) =>
    closeBatch(ws, window, today, null, context.city),
  );
  ws.write({ ...agenda, ...due.remaining });
  messages.push(...overdueReports(ws, due.overdue, today, context.city));
  return effect(ws, settle(ws, lines, context.city), ...messages);
};

/** Every series whose month-end cadence reaches a cut-off today: its programs' periods in force. */
interface CadenceSeries {
  key: ItemKey;
  period: number;
  program: string;
  cutoff: string;
}

function cadenceSeries(city: CityPolicy, clock: ClockItem | null): CadenceSeries[] {
  return city.file.policyVersions.flatMap((version) => {
    const from = Number(version.inForce.from.slice(0, 4));
    const to = Number(version.inForce.to.slice(0, 4));
    return version.programs.flatMap((program) => {
      const cutoff = cadenceCutoff(city, program.id, clock);
      if (!cutoff) return [];
      return Array.from({ length: to - from + 1 }, (_, i) => ({
        key: keys.series(from + i, program.id),
        period: from + i,
        program: program.id,
        cutoff,
      }));
    });
  });
}

/** The open batches the cadence would close: those whose window of days is not empty by the calendar. */
function cadenceWindows(ws: WorkingSet, cadence: readonly CadenceSeries[]): BatchWindow[] {
  return cadence.flatMap((c) => {
    const window = openWindow(c, ws.read(c.key, "series") as SeriesItem | null, c.cutoff);
    return window.from < window.cutoff ? [window] : [];
  });
}

interface Due {
  batches: AgendaItem["deadlines"];
  clearances: AgendaItem["clearances"];
  overdue: AgendaItem["receivables"];
  remaining: Pick<AgendaItem, "deadlines" | "clearances" | "receivables">;
  needs: Need[];
}

/** What the agenda holds for today: deadlines passed (a day after them), clearances come, debts overdue. */
function dueWork(agenda: AgendaItem, today: string, city: CityPolicy): Due {
  const batches = agenda.deadlines.filter((d) => d.date < today);
  const clearances = agenda.clearances.filter((c) => c.date <= today);
  const overdueDays = city.payments.settings.receivableOverdueDays;
  const overdue = agenda.receivables.filter(
    (r) => !r.reportedOn && r.since && addDays(r.since, overdueDays) < today,
  );
  const reported = new Set(overdue.map((r) => keyId(r.key)));
  return {
    batches,
    clearances,
    overdue,
    remaining: {
      deadlines: agenda.deadlines.filter((d) => d.date >= today),
      clearances: agenda.clearances.filter((c) => c.date > today),
      receivables: agenda.receivables.map((r) =>
        reported.has(keyId(r.key)) ? { ...r, reportedOn: today } : r,
      ),
    },
    needs: [
      ...batches.flatMap((b) => [b.batch, linesOf(b)]),
      ...clearances.map((c) => c.beneficiary),
      ...overdue.map((r) => r.key),
    ],
  };
}

function clearanceLines(ws: WorkingSet, clearances: AgendaItem["clearances"]): ItemKey[] {
  return clearances.flatMap((c) => {
    const beneficiary = ws.read(c.beneficiary, "beneficiary") as BeneficiaryItem | null;
    return (beneficiary?.openLines ?? []).map((ref) => ref.key);
  });
}

function overdueReports(
  ws: WorkingSet,
  overdue: AgendaItem["receivables"],
  today: string,
  city: CityPolicy,
): ReceivableOverdueMessage[] {
  return overdue.flatMap((entry) => {
    const receivable = ws.read(entry.key, "receivable") as ReceivableItem | null;
    if (!receivable || receivable.owedFen === 0n) return [];
    const overdueOn = addDays(receivable.since ?? today, city.payments.settings.receivableOverdueDays);
    const b = receivable.beneficiary;
    return [
      {
        kind: "receivable-overdue" as const,
        reportId: `${receivable.program}.${receivable.period}.${b.kind}.${b.id}.overdue.${overdueOn}`,
        city: city.city,
        beneficiary: b,
        program: receivable.program,
        period: receivable.period,
        owed: money(receivable.owedFen),
        since: receivable.since,
        overdueOn,
      },
    ];
  });
}

export function addDays(date: string, days: number): string {
  return formatDays((parseDate(date) ?? 0) + days);
}
