import type { LineItem } from "../../shared/decisions/lifecycle/items";
import { fenToYuan } from "../../shared/money";
import type { CityPolicy } from "../../shared/policy/city";
import {
  addDays,
  chinaDateOf,
  chinaInstant,
  type Instant,
  type IsoDate,
  officeHours,
  weekday,
  yearOf,
} from "../calendar";
import { type Draft, defaultIdScheme } from "../draft";
import type { JsonObject } from "../json";
import { type LapsedClawback, LedgerView } from "../ledger-view";
import type { Check, Context } from "./context";

/** The workbench's staff, as its authorizer vouches for them (maker–checker: a preparer and an approver). */
const STAFF = {
  preparer: { id: "wang.min", name: "王敏", roles: ["preparer"] },
  preparer2: { id: "liu.yang", name: "刘洋", roles: ["preparer", "viewer"] },
  approver: { id: "zhang.qiang", name: "张强", roles: ["approver"] },
  approver2: { id: "chen.jing", name: "陈静", roles: ["approver", "auditor"] },
} as const;

interface Closing {
  readonly batchId: string;
  /** The cut-off: the batch holds the lines opened before this day. */
  readonly closeOn: IsoDate;
  readonly preparer: keyof typeof STAFF;
  readonly approver: keyof typeof STAFF;
}

/**
 * The bureau's year of 2024 batches. Quarterly for the busy programs; innovation vouchers once, late, so
 * one list runs past 100 lines; a closing on 30 September whose 5-working-day window runs over National
 * Day (1–7 October) and ends on the 调休 Saturday 12 October.
 */
const CLOSINGS: readonly Closing[] = [
  { batchId: "tech-contract-rd-2024-1", closeOn: "2024-04-01", preparer: "preparer", approver: "approver" },
  { batchId: "sme-tech-purchase-2024-1", closeOn: "2024-04-01", preparer: "preparer2", approver: "approver" },
  { batchId: "hte-first-award-2024-1", closeOn: "2024-07-01", preparer: "preparer", approver: "approver2" },
  { batchId: "tech-contract-rd-2024-2", closeOn: "2024-07-01", preparer: "preparer", approver: "approver" },
  {
    batchId: "tech-contract-service-2024-1",
    closeOn: "2024-07-01",
    preparer: "preparer2",
    approver: "approver",
  },
  {
    batchId: "sme-tech-purchase-2024-2",
    closeOn: "2024-07-01",
    preparer: "preparer2",
    approver: "approver2",
  },
  { batchId: "tech-contract-rd-2024-3", closeOn: "2024-09-30", preparer: "preparer", approver: "approver" },
  {
    batchId: "innovation-center-award-2024-1",
    closeOn: "2024-09-30",
    preparer: "preparer2",
    approver: "approver",
  },
  {
    batchId: "innovation-voucher-2024-1",
    closeOn: "2024-11-29",
    preparer: "preparer",
    approver: "approver2",
  },
  { batchId: "hte-first-award-2024-2", closeOn: "2024-12-02", preparer: "preparer", approver: "approver" },
  {
    batchId: "hte-district-bonus-2024-1",
    closeOn: "2024-12-31",
    preparer: "preparer2",
    approver: "approver",
  },
  { batchId: "sme-tech-purchase-2024-3", closeOn: "2024-12-31", preparer: "preparer", approver: "approver2" },
];

/** First working days of the months, so lines get real opening days (the clock only moves on these). */
const MONTH_DAYS: readonly IsoDate[] = [
  "2024-01-02",
  "2024-02-01",
  "2024-03-01",
  "2024-05-06",
  "2024-06-03",
  "2024-08-01",
  "2024-09-02",
  "2024-10-08",
  "2024-11-01",
  // The days after the confirmation deadlines of the December and January approvals: silence is judged.
  "2024-12-24",
  "2025-01-24",
  "2025-02-05",
  "2025-03-03",
  "2025-04-01",
  "2025-07-01",
  "2025-10-09",
];

/** Renders the stream as it stands (registry facts and the lifecycle facts so far). */
export type Render = () => readonly string[];

/**
 * A year of the payment lifecycle on top of the registry facts (docs/contract/payments.md): the clock,
 * batches closed and approved, objections, credit restrictions, confirmations and the treasury's results.
 * Line and instruction ids are the core's, so each step replays the stream built so far and reads them.
 */
export class Lifecycle {
  readonly checks: Check[] = [];
  readonly #ctx: Context;
  readonly #city: CityPolicy;
  readonly #render: Render;
  readonly #clockDays = new Set<IsoDate>();
  /** Beneficiaries already given a story, so each designed case stays legible. */
  readonly #used = new Set<string>();
  /** The day each payee's account was last confirmed: the treasury pays after it. */
  readonly #confirmedOn = new Map<string, IsoDate>();

  constructor(ctx: Context, city: CityPolicy, render: Render) {
    this.#ctx = ctx;
    this.#city = city;
    this.#render = render;
  }

  designed(): void {
    for (const day of MONTH_DAYS) this.#clock(day);
    for (const c of CLOSINGS) {
      this.#clock(c.closeOn);
      this.#staff("batch.closed", c.closeOn, { batchId: c.batchId, actor: STAFF[c.preparer] });
    }
    const closed = this.#view();
    for (const c of CLOSINGS) {
      const approveOn = weekday(addDays(closed.batch(c.batchId).notice.end, 1));
      this.#clock(approveOn);
      this.#staff("batch.approved", approveOn, { batchId: c.batchId, actor: STAFF[c.approver] });
    }
    const approved = this.#view();
    this.#objections(approved);
    this.#credit(approved);
    this.#confirmations(approved);
    this.#payments(this.#view());
    this.#recovery(this.#view());
    // Added after recovery, drawing randomness after every other fact: the rest of the file stays as it was.
    this.#netting(this.#view());
    this.#decline(this.#view());
  }

  #view(): LedgerView {
    return new LedgerView(this.#render(), this.#city);
  }

  /** The schedule fires at the China day's midnight; EventBridge writes the instant in UTC. */
  #clock(date: IsoDate): void {
    if (this.#clockDays.has(date)) return;
    this.#clockDays.add(date);
    const at = chinaInstant(date, 0, 0, this.#ctx.rng.int(1, 9));
    const scheduledTime = new Date(chinaInstant(date, 0, 0)).toISOString().replace(".000Z", "Z");
    this.#add("clock.day", at, { scheduledTime }, date, { style: "utc" });
  }

  #staff(type: "batch.closed" | "batch.approved", date: IsoDate, data: JsonObject): void {
    this.#add(type, officeHours(this.#ctx.rng, date), data, date);
  }

  /** `idScope` numbers the fact in a series of its own (`<prefix>-<year>-<scope>-<n>`). */
  #add(
    type: Draft["type"],
    time: Instant,
    data: JsonObject,
    date: IsoDate,
    { style, idScope }: { style?: Draft["style"]; idScope?: string } = {},
  ): Draft {
    return this.#ctx.book.add({
      type,
      data,
      time,
      factYear: yearOf(date),
      ...(style ? { style } : {}),
      ...(idScope ? { idScheme: defaultIdScheme(type, time, idScope) } : {}),
    });
  }

  /** A line of the batch for a beneficiary not yet in another story (enterprises, if asked). */
  #pick(view: LedgerView, batchId: string, enterprise: boolean): LineItem {
    const lines = view
      .linesOf(batchId)
      .filter(
        (l) => !this.#used.has(l.beneficiary.id) && (!enterprise || l.beneficiary.kind === "enterprise"),
      );
    const line = this.#ctx.rng.pick(lines);
    this.#used.add(line.beneficiary.id);
    return line;
  }

  /** On the National Day list: one upheld, one dismissed, one filed after the window closed. */
  #objections(view: LedgerView): void {
    const batchId = "tech-contract-rd-2024-3";
    const { notice } = view.batch(batchId);
    const cases = [
      { filedOn: "2024-10-09", outcome: "upheld", resolvedOn: "2024-10-11", objector: "李建华" },
      { filedOn: "2024-10-10", outcome: "dismissed", resolvedOn: "2024-10-12", objector: "赵丽" },
      { filedOn: "2024-10-16", outcome: undefined, resolvedOn: undefined, objector: "孙志刚" },
    ] as const;
    cases.forEach((c, i) => {
      const line = this.#pick(view, batchId, true);
      const objectionId = `GS-2024-${String(31 + i * 3).padStart(4, "0")}`;
      const grounds = c.outcome === "upheld" ? "合同技术交易额与实际履行不符" : "认为该企业未在本市实际经营";
      this.#add(
        "objection.filed",
        officeHours(this.#ctx.rng, c.filedOn),
        {
          objectionId,
          lineId: line.lineId,
          objector: { name: c.objector },
          filedOn: c.filedOn,
          grounds,
        },
        c.filedOn,
      );
      if (!c.outcome || !c.resolvedOn) {
        this.checks.push(`late objection ${objectionId} filed ${c.filedOn}, after the window ${notice.end}`);
        return;
      }
      const note =
        c.outcome === "upheld" ? "经核查异议属实，撤回该笔拨付" : "经核查企业在本市依法经营，异议不成立";
      this.#add(
        "objection.resolved",
        officeHours(this.#ctx.rng, c.resolvedOn),
        {
          objectionId,
          outcome: c.outcome,
          resolvedOn: c.resolvedOn,
          note,
        },
        c.resolvedOn,
      );
      this.checks.push(`objection ${objectionId} ${c.outcome}: ${line.lineId}`);
    });
  }

  /** Restricted before approval (held), restricted after it, and one restriction cleared. */
  #credit(view: LedgerView): void {
    const first = view.batch("hte-first-award-2024-2");
    const vouchers = view.batch("innovation-voucher-2024-1");
    const cases = [
      { batch: first, from: "2024-12-04", clearedOn: undefined, list: "dishonest-debtor" },
      { batch: first, from: "2024-12-05", clearedOn: "2025-01-15", list: "serious-illegal" },
      {
        batch: vouchers,
        from: addDays(vouchers.approvedOn ?? vouchers.notice.end, 2),
        clearedOn: undefined,
        list: "dishonest-debtor",
      },
    ] as const;
    for (const c of cases) {
      const line = this.#pick(view, c.batch.batchId, true);
      const uscc = line.beneficiary.id;
      this.#add(
        "credit.restricted",
        officeHours(this.#ctx.rng, c.from),
        {
          list: c.list,
          uscc,
          from: c.from,
          reason: c.list === "dishonest-debtor" ? "被人民法院列为失信被执行人" : "列入严重违法失信名单",
        },
        c.from,
      );
      if (c.clearedOn) {
        this.#add(
          "credit.cleared",
          officeHours(this.#ctx.rng, c.clearedOn),
          {
            list: c.list,
            uscc,
            from: c.from,
            clearedOn: c.clearedOn,
          },
          c.clearedOn,
        );
      }
      this.checks.push(
        `credit ${c.list} from ${c.from}${c.clearedOn ? ` cleared ${c.clearedOn}` : ""}: ${line.lineId}`,
      );
    }
  }

  /** Most voucher holders confirm an account within the 10 working days; the rest lapse. */
  #confirmations(view: LedgerView): void {
    const batch = view.batch("innovation-voucher-2024-1");
    const approvedOn = batch.approvedOn ?? batch.notice.end;
    const holders = new Map<string, LineItem>();
    for (const line of view.linesOf(batch.batchId)) {
      if (!this.#used.has(line.beneficiary.id)) holders.set(line.beneficiary.id, line);
    }
    for (const line of [...holders.values()].slice(0, 36)) {
      this.#confirm(line.beneficiary, weekday(addDays(approvedOn, this.#ctx.rng.int(1, 9))));
    }
  }

  #confirm(beneficiary: LineItem["beneficiary"], confirmedOn: IsoDate, idScope?: string): void {
    this.#confirmedOn.set(beneficiary.id, confirmedOn);
    const accountRef = `ACCT-${this.#ctx.rng.chars("0123456789ABCDEF", 6)}`;
    this.#add(
      "payee.confirmed",
      officeHours(this.#ctx.rng, confirmedOn),
      {
        beneficiary: { kind: beneficiary.kind, id: beneficiary.id },
        accountRef,
        confirmedOn,
      },
      confirmedOn,
      { idScope },
    );
  }

  /** The treasury pays what was instructed a few days later; one account is closed (退票) and paid again. */
  #payments(view: LedgerView): void {
    // Only lines that one fact opens whole: a district's bonus line sums many certifications, so under
    // concurrent workers it may be opened in other pieces (other line ids) than this replay sees.
    const batches = ["innovation-voucher-2024-1"].map((id) => view.batch(id));
    let reference = 31;
    let failed = false;
    for (const batch of batches) {
      const lines = new Map(view.linesOf(batch.batchId).map((l) => [l.hash, l]));
      for (const [hash, instruction] of Object.entries(batch.instructions)) {
        const line = lines.get(hash);
        const after = [
          instruction.instructedOn,
          this.#confirmedOn.get(line?.beneficiary.id ?? "") ?? "",
        ].sort()[1];
        const paidOn = weekday(addDays(after ?? instruction.instructedOn, this.#ctx.rng.int(1, 4)));
        const amount = fenToYuan(instruction.amountFen);
        if (!failed && line && batch.program === "innovation-voucher") {
          failed = true;
          this.#add(
            "disbursement.failed",
            officeHours(this.#ctx.rng, paidOn),
            {
              instructionId: instruction.instructionId,
              failedOn: paidOn,
              reason: "收款账户已销户，退票",
            },
            paidOn,
          );
          const again = weekday(addDays(paidOn, 3));
          this.#confirm(line.beneficiary, again);
          this.#paid(`${line.lineId}.2`, weekday(addDays(again, 1)), amount, reference++);
          this.checks.push(`failed and paid again: ${line.lineId}`);
          continue;
        }
        this.#paid(instruction.instructionId, paidOn, amount, reference++);
      }
    }
  }

  #paid(instructionId: string, paidOn: IsoDate, amount: string, n: number, idScope?: string): void {
    const reference = `TSY-${paidOn.slice(5, 7)}${paidOn.slice(8)}-${String(n).padStart(4, "0")}`;
    this.#add(
      "disbursement.paid",
      officeHours(this.#ctx.rng, paidOn),
      { instructionId, reference, paidOn, amount },
      paidOn,
      { idScope },
    );
  }

  /**
   * Recovery (追回, payments.md § Receivables): a receivable is money that left. The sample's clawbacks
   * otherwise meet lines that lapsed unpaid, so one such enterprise — the largest, whose line lapsed
   * before its certificate was revoked — confirms its account in time instead: the line is instructed and
   * paid, the revocation then owes what was paid, and the treasury receives it back in two parts. Its
   * facts number in a series of their own (`…-R-…`), so every other id of the sample stays as it was.
   */
  #recovery(view: LedgerView): void {
    const candidates = view
      .lapsedThenClawedBack()
      .filter(({ line }) => line.beneficiary.kind === "enterprise" && !this.#used.has(line.beneficiary.id))
      // Largest first, compared as fen (bigint), never as a number.
      .sort((a, b) =>
        a.line.originalFen < b.line.originalFen ? 1 : a.line.originalFen > b.line.originalFen ? -1 : 0,
      );
    const chosen = candidates[0];
    if (!chosen) throw new Error("the sample has no unpaid line whose unit is clawed back later");
    const { line, clawedAt } = chosen;
    this.#payInTime(chosen, "R", 901);
    // The clawback that raises the receivable was published at `clawedAt`; the money comes back after it.
    const owedFen = line.originalFen;
    const first = weekday(addDays(chinaDateOf(clawedAt), 22));
    const second = weekday(addDays(first, 36));
    const firstFen = (owedFen * 3n) / 5n;
    for (const [receivedOn, fen, n] of [
      [first, firstFen, 1],
      [second, owedFen - firstFen, 2],
    ] as const) {
      this.#add(
        "recovery.received",
        officeHours(this.#ctx.rng, receivedOn),
        {
          beneficiary: { kind: line.beneficiary.kind, id: line.beneficiary.id },
          program: line.program,
          period: line.period,
          amount: fenToYuan(fen),
          receivedOn,
          reference: `JNCZ-ZH-${receivedOn.replaceAll("-", "")}-${String(n).padStart(2, "0")}`,
        },
        receivedOn,
      );
    }
    this.checks.push(
      `paid, clawed back and recovered in two parts (${fenToYuan(firstFen)} + ${fenToYuan(owedFen - firstFen)}): ${line.lineId}`,
    );
  }

  /**
   * Netting (payments.md § Payment lines): like recovery, a lapsed line whose unit is clawed back whole is
   * paid in time instead, so the clawback owes what was paid — and the same beneficiary's next line of the
   * same program, opened after the clawback, is reduced by the debt at once. Its facts are `…-N-…`.
   */
  #netting(view: LedgerView): void {
    const acrossPrograms = this.#city.payments.settings.netting === "beneficiary";
    const candidates = view
      .lapsedThenClawedBack()
      .filter(({ line }) => line.beneficiary.kind === "enterprise" && !this.#used.has(line.beneficiary.id))
      .flatMap((lapsed) => {
        const next = view
          .linesFor(lapsed.line.beneficiary.id)
          .filter(
            (l) =>
              (acrossPrograms || l.program === lapsed.line.program) &&
              l.amountFen >= lapsed.line.originalFen &&
              view.openedAfter(l, lapsed.clawbackPayoutId),
          );
        return next[0] ? [{ lapsed, next: next[0] }] : [];
      });
    const chosen = candidates[0];
    if (!chosen) throw new Error("the sample has no paid line clawed back before the payee's next line");
    this.#payInTime(chosen.lapsed, "N", 951);
    const { line } = chosen.lapsed;
    this.checks.push(
      `paid, clawed back, ${fenToYuan(line.originalFen)} netted out of ${chosen.next.lineId}: ${line.lineId}`,
    );
  }

  /** One payee declines (不领取) a line within its confirmation window: the line is waived. */
  #decline(view: LedgerView): void {
    const batchId = "sme-tech-purchase-2024-2";
    const batch = view.batch(batchId);
    const lines = view
      .linesOf(batchId)
      .filter(
        (l) =>
          batch.lapsed[l.hash] &&
          !l.reductions.length &&
          !this.#used.has(l.beneficiary.id) &&
          view.linesFor(l.beneficiary.id).length === 1,
      );
    const line = this.#ctx.rng.pick(lines);
    const notice = batch.notices[line.hash];
    if (!notice) throw new Error(`${line.lineId}: no notice was sent`);
    this.#used.add(line.beneficiary.id);
    const declinedOn = weekday(addDays(notice.sentOn, 2));
    if (declinedOn > notice.deadline) throw new Error(`${line.lineId}: declined after its deadline`);
    this.#add(
      "payee.declined",
      officeHours(this.#ctx.rng, declinedOn),
      { lineId: line.lineId, declinedOn },
      declinedOn,
    );
    this.checks.push(`declined ${declinedOn}, waived: ${line.lineId}`);
  }

  /**
   * The payee of a line that would lapse confirms before its deadline instead; the treasury pays the line
   * (`.1`) three working days later. `idScope` numbers both facts in a series of their own.
   */
  #payInTime({ line, notice }: LapsedClawback, idScope: string, reference: number): void {
    this.#used.add(line.beneficiary.id);
    const confirmedOn = weekday(addDays(notice.sentOn, 4));
    if (confirmedOn > notice.deadline) throw new Error(`${line.lineId}: confirmed after its deadline`);
    this.#confirm(line.beneficiary, confirmedOn, idScope);
    const paidOn = weekday(addDays(confirmedOn, 3));
    this.#paid(`${line.lineId}.1`, paidOn, fenToYuan(line.originalFen), reference, idScope);
  }
}
