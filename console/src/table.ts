/** A dense table that sorts (click a heading), filters (text over every cell) and pages. */
import { fill, h } from "./dom";
import { t } from "./i18n";

export interface Column<R> {
  label: string;
  /** The cell's text: money is the API's yuan string, never a number formatted here. */
  text: (row: R) => string;
  /** What the column sorts by; amounts sort by their integer fen. Default: the text. */
  sortBy?: (row: R) => string | number;
  numeric?: boolean;
}

export interface TableOptions<R> {
  id: string;
  columns: Column<R>[];
  rows: R[];
  pageSize?: number;
}

interface TableState {
  sort: number;
  descending: boolean;
  filter: string;
  page: number;
}

export function dataTable<R>(options: TableOptions<R>): HTMLElement {
  const { columns, rows, pageSize = 20 } = options;
  const state: TableState = { sort: -1, descending: false, filter: "", page: 0 };
  const body = h("tbody");
  const pager = h("div", { class: "pager" });
  const input = h("input", { type: "search", placeholder: t("filter"), class: "filter" });
  const head = h(
    "tr",
    {},
    ...columns.map((c, i) => h("th", { class: c.numeric ? "num" : "", "data-col": i }, c.label)),
  );
  const draw = () => {
    const all = visibleRows(rows, columns, state);
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    const shown = all.slice(state.page * pageSize, (state.page + 1) * pageSize);
    fill(body, ...shown.map((row) => h("tr", {}, ...columns.map((c) => cell(c, row)))));
    for (const [i, th] of [...head.children].entries()) {
      const sort = i === state.sort ? (state.descending ? "descending" : "ascending") : "none";
      th.setAttribute("aria-sort", sort);
    }
    fill(pager, ...pagerControls(state, pages, all.length, draw));
  };
  head.addEventListener("click", (event) => {
    const index = Number((event.target as HTMLElement).closest("th")?.dataset.col ?? -1);
    state.descending = state.sort === index ? !state.descending : false;
    state.sort = index;
    draw();
  });
  input.addEventListener("input", () => {
    state.filter = input.value;
    state.page = 0;
    draw();
  });
  draw();
  return h(
    "div",
    { class: "table", id: options.id },
    input,
    h("table", {}, h("thead", {}, head), body),
    pager,
  );
}

/** The rows the filter keeps, in the order the sorted column gives (amounts by their fen). */
function visibleRows<R>(rows: R[], columns: Column<R>[], state: TableState): R[] {
  const needle = state.filter.trim().toLowerCase();
  const kept = needle
    ? rows.filter((row) => columns.some((c) => c.text(row).toLowerCase().includes(needle)))
    : [...rows];
  const column = columns[state.sort];
  if (!column) return kept;
  const key = column.sortBy ?? column.text;
  const sign = state.descending ? -1 : 1;
  return kept.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (
      sign * (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)))
    );
  });
}

function pagerControls(state: TableState, pages: number, count: number, draw: () => void): HTMLElement[] {
  const turn = (step: number) => () => {
    state.page += step;
    draw();
  };
  return [
    h(
      "button",
      { type: "button", class: "prev", onclick: turn(-1), disabled: state.page === 0 },
      t("previous"),
    ),
    h("span", { class: "page" }, `${state.page + 1} / ${pages} ${t("page")} · ${count}`),
    h(
      "button",
      { type: "button", class: "next", onclick: turn(1), disabled: state.page >= pages - 1 },
      t("next"),
    ),
  ];
}

function cell<R>(column: Column<R>, row: R): HTMLElement {
  return h("td", { class: column.numeric ? "num" : "" }, column.text(row));
}
