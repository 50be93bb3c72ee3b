/** The trace (workbench.md § Trace) as tables: events with their unit changes and payouts, lines, why nothing. */
import { h } from "../dom";
import { t } from "../i18n";
import { grouped } from "../money";
import { dataTable } from "../table";
import type { Money } from "../types";

export interface TraceView {
  beneficiary: { kind: string; id: string; name: string | null };
  events: {
    fact: { type: string; source: string; id: string; time: string; naturalKey: string };
    reason: string | null;
    decidedLate: boolean;
    units: { program: string; period: number; before: Money; after: Money }[];
    payouts: { payoutId: string; amount: Money; status: string; explanation: string }[];
    lines: { lineId: string; from: string | null; to: string | null; remaining: Money }[];
  }[];
  entitlements: { program: string; unitKey: string; period: number; entitlement: Money }[];
  totals: { entitlement: Money; changes: Money; payouts: Money };
  lines: {
    lineId: string;
    batchId: string | null;
    remaining: Money;
    steps: { on: string | null; what: string; by?: string }[];
  }[];
  whyNothing: string[];
}
type TraceEvent = TraceView["events"][number];

const money = (m: Money) => grouped(m.amount);
const units = (e: TraceEvent) =>
  e.units.map((u) => `${u.program} ${u.period}: ${money(u.before)} → ${money(u.after)}`).join("; ");
const payouts = (e: TraceEvent) => e.payouts.map((p) => `${money(p.amount)} (${p.status})`).join("; ");
const lineMoves = (e: TraceEvent) =>
  e.lines.map((l) => `${l.lineId} ${l.from ?? "—"} → ${l.to ?? "—"}`).join("; ");

export function renderTrace(view: TraceView): Node {
  const card = (id: string, label: string, m: Money) =>
    h("div", { class: "card" }, h("span", {}, label), h("strong", { id, "data-fen": m.amountFen }, money(m)));
  return h(
    "div",
    { id: "trace-result", "data-id": view.beneficiary.id },
    h("h3", {}, `${view.beneficiary.name ?? ""} ${view.beneficiary.kind} ${view.beneficiary.id}`),
    h(
      "div",
      { class: "cards" },
      card("trace-entitlement", t("entitlement"), view.totals.entitlement),
      card("trace-payouts", t("payouts"), view.totals.payouts),
    ),
    view.whyNothing.length
      ? h(
          "div",
          { id: "trace-why-nothing" },
          h("h3", {}, t("zeroReasons")),
          h("ul", {}, ...view.whyNothing.map((w) => h("li", {}, w))),
        )
      : null,
    h("h3", {}, t("facts")),
    dataTable({
      id: "trace-events",
      rows: view.events,
      columns: [
        { label: "time", text: (e) => e.fact.time },
        { label: "type", text: (e) => e.fact.type },
        { label: "key", text: (e) => e.fact.naturalKey },
        { label: t("units"), text: units },
        { label: t("payouts"), text: payouts },
        { label: t("history"), text: lineMoves },
        { label: t("zeroReasons"), text: (e) => e.reason ?? "" },
      ],
    }),
    h("h3", {}, t("explanation")),
    h(
      "ul",
      { id: "trace-explanations" },
      ...view.events.flatMap((e) => e.payouts.map((p) => h("li", {}, `${e.fact.type}: ${p.explanation}`))),
    ),
    h("h3", {}, t("lines")),
    dataTable({
      id: "trace-lines",
      rows: view.lines,
      columns: [
        { label: "lineId", text: (l) => l.lineId },
        { label: t("batch"), text: (l) => l.batchId ?? "—" },
        { label: t("amount"), text: (l) => money(l.remaining), numeric: true },
        {
          label: t("history"),
          text: (l) => l.steps.map((s) => `${s.on ?? ""} ${s.what}${s.by ? ` (${s.by})` : ""}`).join("; "),
        },
      ],
    }),
  );
}
