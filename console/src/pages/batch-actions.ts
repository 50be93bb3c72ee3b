/**
 * A batch's buttons: close (preparer) and approve (approver), each a POST with a fresh Idempotency-Key;
 * the API's 202 or its problem (403 for a role that may not act) is shown. The outcome is the core's: the
 * batches are read again once the ledger shows the change. Exports are the API's files, fetched signed and
 * saved as they are.
 */
import { act, downloadExport, getJson, until } from "../api";
import { fill, h } from "../dom";
import { t } from "../i18n";
import { acceptedBox, problemBox } from "../notice";
import type { ActionAccepted, Batch } from "../types";

export function batchActions(base: string, batch: Batch, refresh: () => void): Node {
  const button = (action: "close" | "approve", label: string) =>
    h(
      "button",
      { type: "button", class: `action-${action}`, onclick: () => void run(base, batch, action, refresh) },
      label,
    );
  if (!batch.closedOn) return button("close", t("close"));
  if (batch.phase === "awaiting-approval") return button("approve", t("approve"));
  return h("span", {});
}

function showProblem(error: unknown): void {
  const result = document.getElementById("action-result");
  if (result) fill(result, problemBox(error));
}

async function run(
  base: string,
  batch: Batch,
  action: "close" | "approve",
  refresh: () => void,
): Promise<void> {
  const result = document.getElementById("action-result");
  try {
    const accepted = await act<ActionAccepted>(`/batches/${encodeURIComponent(batch.batchId)}/${action}`, {});
    if (result) fill(result, acceptedBox(`${accepted.type} ${accepted.factId} (${accepted.actor.name})`));
    await decided(base, batch, action);
    refresh();
  } catch (error) {
    if (result) fill(result, problemBox(error));
  }
}

/**
 * Until the core has decided the fact: the batch read back shows it closed (or approved). A fact the core
 * rejects (maker–checker, a window not over) changes nothing, so after a while the page shows it unchanged.
 */
async function decided(base: string, batch: Batch, action: "close" | "approve"): Promise<void> {
  await until(async () => {
    const { items } = await getJson<{ items: Batch[] }>(`${base}/batches`);
    const now = items.find((b) => b.batchId === batch.batchId);
    return Boolean(action === "close" ? now?.closedOn : now?.approvedOn);
  });
}

export function exportLinks(base: string, batch: Batch): Node {
  if (!batch.closedOn) return h("span", {});
  const link = (what: "publicity" | "payments", format: "xlsx" | "csv", label: string) => {
    const path = `${base}/batches/${batch.batchId}/${what}`;
    const save = () => void downloadExport(path, format).catch(showProblem);
    return h("button", { type: "button", class: `export export-${what}-${format}`, onclick: save }, label);
  };
  const publicity = [
    link("publicity", "xlsx", `${t("publicityList")} XLSX`),
    link("publicity", "csv", `${t("publicityList")} CSV`),
  ];
  const payments =
    batch.instructed > 0
      ? [
          link("payments", "xlsx", `${t("paymentBatch")} XLSX`),
          link("payments", "csv", `${t("paymentBatch")} CSV`),
        ]
      : [];
  return h("span", { class: "exports" }, ...publicity, ...payments);
}
