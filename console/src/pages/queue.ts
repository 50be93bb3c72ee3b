/** 公示与审批: a program's batches, their lists, close and approve, and the exports. */
import { getAll, getJson } from "../api";
import { fill, h } from "../dom";
import { t } from "../i18n";
import { loadInto } from "../notice";
import type { Batch, Line, Overview } from "../types";
import { batchActions, exportLinks } from "./batch-actions";
import { linesTable } from "./lines";

export async function queuePage(period: number, program?: string): Promise<Node> {
  const overview = await getJson<Overview>(`/periods/${period}/overview`);
  const programs = overview.byProgram.map((p) => p.program);
  const chosen = program && programs.includes(program) ? program : programs[0];
  const select = h(
    "select",
    { id: "queue-program" },
    ...programs.map((p) => h("option", { value: p, selected: p === chosen }, p)),
  );
  const content = h("div", { id: "queue-content" });
  const show = () => void loadInto(content, () => batchesOf(period, select.value, show));
  select.addEventListener("change", show);
  if (chosen) show();
  return h("section", { id: "queue" }, h("label", {}, `${t("program")} `, select), content);
}

async function batchesOf(period: number, program: string, refresh: () => void): Promise<Node> {
  const base = `/periods/${period}/programs/${program}`;
  const [{ items: batches, today }, lines] = await Promise.all([
    getJson<{ today: string | null; items: Batch[] }>(`${base}/batches`),
    getAll<Line>(`${base}/lines`),
  ]);
  const all = [...batches, ...openBatch(program, period, batches, lines)];
  const listArea = h("div", { class: "batch-lines" });
  const showLines = (batchId: string | null) =>
    fill(
      listArea,
      h("h3", {}, `${t("lines")} · ${batchId ?? "—"}`),
      linesTable(
        `lines-${batchId ?? "open"}`,
        lines.filter((l) => (l.batchId ?? openId(program, period, batches)) === batchId),
      ),
    );
  const rows = all.map((batch) =>
    h(
      "tr",
      { "data-batch": batch.batchId, "data-phase": batch.phase },
      h(
        "td",
        {},
        h(
          "a",
          {
            href: "#queue",
            onclick: (e: Event) => {
              e.preventDefault();
              showLines(batch.batchId);
            },
          },
          batch.batchId,
        ),
      ),
      h("td", { class: "phase" }, batch.phase),
      h("td", { class: "num" }, String(batch.lineCount)),
      h("td", {}, batch.notice ? `${batch.notice.start} – ${batch.notice.end}` : "—"),
      h("td", {}, batch.closedBy?.name ?? "—"),
      h("td", { class: "approved-by" }, batch.approvedBy?.name ?? "—"),
      h("td", {}, batchActions(base, batch, refresh), exportLinks(base, batch)),
    ),
  );
  const heading = [t("batch"), t("state"), t("lines"), t("window"), t("closedBy"), t("approvedBy"), ""];
  showLines(all.find((b) => b.phase !== "approved")?.batchId ?? all[0]?.batchId ?? null);
  return h(
    "div",
    {},
    h("p", {}, `${t("today")}: `, h("span", { id: "queue-today" }, today ?? "—")),
    h("div", { class: "action-result", id: "action-result" }),
    h(
      "table",
      { id: "batches" },
      h("thead", {}, h("tr", {}, ...heading.map((x) => h("th", {}, x)))),
      h("tbody", {}, ...rows),
    ),
    listArea,
  );
}

/** The open batch's id: the next of the program and period (`<program>-<period>-<seq>`, payments.md § Batches). */
function openId(program: string, period: number, closed: Batch[]): string {
  return `${program}-${period}-${Math.max(0, ...closed.map((b) => b.seq)) + 1}`;
}

/**
 * The batch still open, which the API lists only once closed: the lines without a batch are in it, and
 * its preparer's button closes it.
 */
function openBatch(program: string, period: number, closed: Batch[], lines: Line[]): Batch[] {
  const waiting = lines.filter((l) => l.batchId === null).length;
  if (!waiting) return [];
  const batchId = openId(program, period, closed);
  const seq = Math.max(0, ...closed.map((b) => b.seq)) + 1;
  return [
    {
      batchId,
      seq,
      cutoff: null,
      closedOn: null,
      closedBy: null,
      notice: null,
      lineCount: waiting,
      approvedOn: null,
      approvedBy: null,
      phase: "open",
      instructed: 0,
    },
  ];
}
