/** Payment lines as a table: beneficiary, district, state, the API's amounts. */
import { t } from "../i18n";
import { grouped } from "../money";
import { dataTable } from "../table";
import type { Line } from "../types";

export function linesTable(id: string, lines: Line[]): HTMLElement {
  return dataTable({
    id,
    rows: lines,
    columns: [
      { label: "lineId", text: (l) => l.lineId },
      { label: t("beneficiary"), text: (l) => l.beneficiary.name ?? l.beneficiary.id },
      { label: "ID", text: (l) => l.beneficiary.id },
      { label: t("district"), text: (l) => l.districtName ?? l.district ?? "—" },
      { label: t("state"), text: (l) => l.state },
      {
        label: t("amount"),
        text: (l) => grouped(l.remaining.amount),
        sortBy: (l) => Number.parseInt(l.remaining.amountFen, 10),
        numeric: true,
      },
    ],
  });
}
