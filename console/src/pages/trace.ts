/**
 * 受益人追溯: everything the ledger holds on one beneficiary (USCC or id), from the auditor's trace route.
 * Each list the trace returns becomes a table; money pairs show the API's yuan string.
 */
import { getJson } from "../api";
import { fill, h } from "../dom";
import { t } from "../i18n";
import { grouped } from "../money";
import { loadInto } from "../notice";
import { dataTable } from "../table";

type Value = unknown;
const isMoney = (v: Value): v is { amount: string; amountFen: string } =>
  typeof v === "object" && v !== null && "amount" in v && "amountFen" in v;

/** A cell's text: a money pair as its yuan string, an object as compact JSON. */
export function cellText(value: Value): string {
  if (value === null || value === undefined) return "—";
  if (isMoney(value)) return grouped(value.amount);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function section(name: string, rows: Record<string, Value>[]): HTMLElement {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== "amountFen");
  return h(
    "div",
    { class: "trace-section", "data-section": name },
    h("h3", {}, `${name} (${rows.length})`),
    dataTable<Record<string, Value>>({
      id: `trace-${name}`,
      rows,
      pageSize: 10,
      columns: keys.map((k) => ({ label: k, text: (r) => cellText(r[k]) })),
    }),
  );
}

export function renderTrace(trace: Record<string, Value>): Node {
  const lists = Object.entries(trace).filter(
    (e): e is [string, Record<string, Value>[]] =>
      Array.isArray(e[1]) && e[1].every((x) => typeof x === "object"),
  );
  const scalars = Object.entries(trace).filter(([, v]) => !Array.isArray(v));
  return h(
    "div",
    { id: "trace-result" },
    h("dl", {}, ...scalars.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { "data-field": k }, cellText(v))])),
    ...lists.map(([name, rows]) => section(name, rows)),
  );
}

export function tracePage(initial?: string): Node {
  const input = h("input", {
    id: "trace-id",
    type: "search",
    placeholder: "USCC / ID",
    value: initial ?? "",
  });
  const result = h("div", {});
  const run = () => {
    const id = input.value.trim();
    if (!id) return fill(result);
    history.replaceState(null, "", `#trace?id=${encodeURIComponent(id)}`);
    void loadInto(result, async () => renderTrace(await getJson(`/trace/${encodeURIComponent(id)}`)));
  };
  const form = h(
    "form",
    {
      onsubmit: (e: Event) => {
        e.preventDefault();
        run();
      },
    },
    input,
    h("button", { type: "submit", id: "trace-go" }, t("search")),
  );
  if (initial) run();
  return h("section", { id: "trace" }, form, result);
}
