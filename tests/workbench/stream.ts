/**
 * A small Jinan stream for the workbench's browser suite: a few dozen lines, lifecycle facts included, so the
 * local stack settles in seconds (the whole sample takes over a minute). On 2024-09-02 eight enterprises are
 * certified (hte-first-award, above and below scale, over four districts) and three SMEs redeem vouchers;
 * two enterprises confirm accounts. On 09-03 王敏 closes hte-first-award-2024-1 (window 09-04 to 09-10) and
 * two more certificates open lines in the next batch; on 09-04 one certificate of the closed list is revoked
 * (a clawback during publicity). The ledger ends on 09-10, the window's last day: one more day makes the batch approvable.
 */
import { certification, type ScenarioEvent, toLine, voucher } from "../support/scenarios";

export const CLOSED_BATCH = "hte-first-award-2024-1";
export const VOUCHER_BATCH = "innovation-voucher-2024-1";
export const PREPARER = { id: "wang.min", name: "王敏", roles: ["preparer"] };
/** The enterprises with an account on file: their lines are instructed when the batch is approved. */
export const CONFIRMED = ["E1", "E2"];
/** The enterprise whose certificate is revoked during publicity, traced by the suite. */
export const REVOKED = "E3";

const DISTRICTS = ["370102", "370103", "370104", "370112"];
const grant = (n: number, day: string): ScenarioEvent =>
  certification(n, day, {
    district: DISTRICTS[n % DISTRICTS.length],
    scale: n % 3 === 0 ? "below" : "above",
  });

const EVENTS: ScenarioEvent[] = [
  { type: "clock.day", id: "day-0902", data: { date: "2024-09-02" } },
  ...CONFIRMED.map(
    (alias): ScenarioEvent => ({
      type: "payee.confirmed",
      id: `confirm-${alias}`,
      data: { beneficiary: { ref: alias }, accountRef: `ACCT-${alias}-1`, confirmedOn: "2024-09-02" },
    }),
  ),
  ...Array.from({ length: 8 }, (_, i) => grant(i + 1, "2024-09-02")),
  voucher("v1", "E21", "120000.00"),
  voucher("v2", "E22", "35000.50"),
  voucher("v3", "E23", "9999.99"),
  { type: "clock.day", id: "day-0903", data: { date: "2024-09-03" } },
  { type: "batch.closed", id: "close-hte-1", data: { batchId: CLOSED_BATCH, actor: PREPARER } },
  grant(9, "2024-09-03"),
  grant(10, "2024-09-03"),
  // After a clock day, so the list is published before the revocation on the local stack too: a clock fact
  // is sent once all before it is decided, while a close and a revocation on other channels race.
  { type: "clock.day", id: "day-0904", data: { date: "2024-09-04" } },
  {
    type: "hte.certification.revoked",
    id: "revoke-gr3",
    data: { certificateNo: "GR3", revokedOn: "2024-09-04", reason: "撤销认定" },
  },
  { type: "clock.day", id: "day-0910", data: { date: "2024-09-10" } },
];

export function workbenchStream(): string[] {
  return EVENTS.map((event, i) => toLine(event, i, "jinan"));
}
