import { applyBasisPoints } from "../../shared/money";
import { type Fen, fenToYuan, randomYuan, wireYuan, yuan } from "../amounts";
import {
  addDays,
  chinaDateOf,
  dateIn,
  type Instant,
  type IsoDate,
  isoDate,
  later,
  publishedAfter,
  weekday,
  yearOf,
} from "../calendar";
import { BANKS, type Bank } from "../catalogue";
import type { Placement, Rejection, SpecialCase } from "../draft";
import { type EventData, emit, type Fact } from "../events";
import { type Enterprise, ref } from "../parties";
import { FACT_YEARS, NumberedScenario, pad, type Scalable } from "./context";

const COMPENSATION_BP = 3500;
const LAST_LOAN_EVENT: IsoDate = "2026-09-30";

interface Loan {
  readonly filing: Fact<"loan.filed">;
  readonly principal: Fen;
}

interface Options {
  readonly time?: Instant;
  readonly placement?: Placement;
  readonly cases?: readonly SpecialCase[];
  readonly rejection?: Rejection;
}

type Defaulted = Fact<"loan.defaulted">;
type Recovered = Fact<"loan.recovered">;

/** Technology-transformation loans under the risk-compensation pool: filings, defaults, recoveries. */
export class Loans extends NumberedScenario implements Scalable {
  designed(): void {
    const { rng } = this.ctx;
    // Filed, defaulted, default raised, partly recovered, recovery raised.
    const l1 = this.file(isoDate(2024, 3, 12), yuan(5_000_000));
    const d1 = this.default(l1, yuan(2_000_000), this.#after(l1.filing.data.filedOn, 300));
    const d1b = this.default(l1, yuan(2_600_000), this.#after(d1.data.confirmedOn, 90), {
      cases: ["loan-default-update"],
    });
    const r1 = this.recover(l1, yuan(500_000), this.#after(d1b.data.confirmedOn, 60));
    this.recover(l1, yuan(800_000), this.#after(r1.data.recoveredOn, 120));
    this.#check("loan defaulted, raised, recovered twice", l1, yuan(2_600_000), yuan(800_000));

    // The default arrives first: the bank's filings were back-filled into the registry after it.
    this.#defaultBeforeFiling(isoDate(2024, 5, 20), yuan(3_000_000));

    // Filed in 2022: everything about the loan follows its filing, so the 2024 default pays nothing.
    const l3 = this.file(isoDate(2022, 9, 14), yuan(1_500_000));
    this.default(l3, yuan(1_500_000), this.#after(l3.filing.data.filedOn, 520));
    this.checks.push(`loan ${l3.filing.data.loanId} filed 2022, defaulted later → 0.00 (no-policy)`);

    // A default corrected to none.
    const l4 = this.file(isoDate(2024, 1, 22), yuan(2_000_000));
    const d4 = this.default(l4, yuan(800_000), this.#after(l4.filing.data.filedOn, 280));
    this.default(l4, 0n, this.#after(d4.data.confirmedOn, 45), { cases: ["loan-default-zeroed"] });
    this.#check("loan default corrected to 0", l4, 0n, 0n);

    // The recovery is delivered before the default it needs.
    const l5 = this.file(isoDate(2023, 6, 8), yuan(4_000_000));
    const d5On = this.#after(l5.filing.data.filedOn, 400);
    const d5 = this.default(l5, yuan(1_000_000), d5On);
    this.recover(l5, yuan(300_000), chinaDateOf(d5.time), {
      time: later(rng, d5.time, 30, 120),
      placement: { kind: "before", anchor: d5, lines: rng.int(2, 8) },
      cases: ["dependent-before-original"],
    });
    this.#check("loan recovery delivered before its default", l5, yuan(1_000_000), yuan(300_000));

    // A recovery larger than the standing default: rejected when it applies; the corrected one follows.
    const l6 = this.file(isoDate(2024, 8, 5), yuan(3_000_000));
    const d6 = this.default(l6, yuan(1_200_000), this.#after(l6.filing.data.filedOn, 240));
    const r6On = this.#after(d6.data.confirmedOn, 90);
    this.recover(l6, yuan(1_500_000), r6On, {
      rejection: {
        reason: "invalid-data",
        what: "loan.recovered above the standing default (judged when it applies)",
      },
    });
    this.recover(l6, yuan(400_000), this.#after(r6On, 20));
    this.#check(
      "loan recovery above the default rejected, then corrected",
      l6,
      yuan(1_200_000),
      yuan(400_000),
    );

    // Fully defaulted, with cents; and one filed in 2026.
    const l8 = this.file(isoDate(2025, 2, 17), yuan(6_000_000));
    this.default(l8, yuan(6_000_000), this.#after(l8.filing.data.filedOn, 250));
    this.#check("loan fully defaulted", l8, yuan(6_000_000), 0n);
    this.file(isoDate(2026, 1, 20), yuan(2_500_000));

    // A default for a loan this stream never files: it waits, then dead-letters.
    this.#orphanDefault();
  }

  background(n: number): void {
    const { rng } = this.ctx;
    let left = n;
    while (left > 0) {
      const loan = this.file(
        dateIn(rng, rng.weighted(FACT_YEARS)),
        randomYuan(rng, 500_000, 10_000_000, 10_000),
      );
      left--;
      if (rng.chance(0.32)) left -= this.#history(loan, left);
    }
  }

  /** At most `room` later messages about a loan: a default, maybe raised, maybe partly recovered. */
  #history(loan: Loan, room: number): number {
    const { rng } = this.ctx;
    let sent = 0;
    let on = this.#within(loan.filing.data.filedOn, rng.int(150, 540));
    if (!on || sent >= room) return sent;
    let npp = (loan.principal * BigInt(rng.int(20, 100))) / 100n;
    this.default(loan, npp, on);
    sent++;
    if (rng.chance(0.2)) {
      on = this.#within(on, rng.int(40, 150));
      if (!on || sent >= room) return sent;
      npp += (loan.principal - npp) / 2n;
      this.default(loan, npp, on, { cases: ["loan-default-update"] });
      sent++;
    }
    if (rng.chance(0.4)) {
      on = this.#within(on, rng.int(30, 240));
      if (!on || sent >= room) return sent;
      this.recover(loan, (npp * BigInt(rng.int(5, 60))) / 100n, on);
      sent++;
    }
    return sent;
  }

  file(filedOn: IsoDate, principal: Fen, options: Options = {}): Loan {
    const { rng, parties, book } = this.ctx;
    const bank = rng.pick(BANKS);
    const borrower: Enterprise = parties.existing();
    const filing = emit(
      book,
      "loan.filed",
      {
        loanId: this.#loanId(bank, yearOf(filedOn)),
        bank: { id: bank.id, name: bank.name },
        borrower: ref(borrower),
        principal: wireYuan(principal),
        filedOn,
      },
      { ...options, time: options.time ?? publishedAfter(rng, filedOn, 0, 5) },
    );
    return { filing, principal };
  }

  default(loan: Loan, npp: Fen, confirmedOn: IsoDate, options: Options = {}): Defaulted {
    const data = { loanId: loan.filing.data.loanId, nonPerformingPrincipal: wireYuan(npp), confirmedOn };
    return this.#bankReport("loan.defaulted", data, confirmedOn, options);
  }

  recover(loan: Loan, recovered: Fen, recoveredOn: IsoDate, options: Options = {}): Recovered {
    const data = { loanId: loan.filing.data.loanId, recovered: wireYuan(recovered), recoveredOn };
    const cases = ["loan-recovery" as const, ...(options.cases ?? [])];
    return this.#bankReport("loan.recovered", data, recoveredOn, { ...options, cases });
  }

  /** A default or recovery, published 1–7 days after the bank dates it unless `options.time` says when. */
  #bankReport<T extends "loan.defaulted" | "loan.recovered">(
    type: T,
    data: EventData[T],
    on: IsoDate,
    options: Options,
  ): Fact<T> {
    const { rng, book } = this.ctx;
    return emit(book, type, data, { ...options, time: options.time ?? publishedAfter(rng, on, 1, 7) });
  }

  #defaultBeforeFiling(filedOn: IsoDate, principal: Fen): void {
    const { rng } = this.ctx;
    const confirmedOn = this.#after(filedOn, 270);
    const defaultAt = publishedAfter(rng, confirmedOn, 1, 3);
    const loan = this.file(filedOn, principal, {
      time: later(rng, defaultAt, 20, 240),
      cases: ["backfilled-original"],
    });
    this.default(loan, principal, confirmedOn, {
      time: defaultAt,
      placement: { kind: "before", anchor: loan.filing, lines: rng.int(2, 10) },
      cases: ["dependent-before-original"],
    });
    this.#check("loan default delivered before its filing", loan, principal, 0n);
  }

  #orphanDefault(): void {
    const { rng, book } = this.ctx;
    const bank = rng.pick(BANKS);
    const confirmedOn = dateIn(rng, 2025);
    emit(
      book,
      "loan.defaulted",
      { loanId: this.#loanId(bank, 2023), nonPerformingPrincipal: wireYuan(yuan(700_000)), confirmedOn },
      { time: publishedAfter(rng, confirmedOn, 1, 5), cases: ["orphan-dependent"] },
    );
  }

  #after(date: IsoDate, days: number): IsoDate {
    return weekday(addDays(date, days));
  }

  /** `#after`, or nothing when that falls past the sample's last loan event. */
  #within(date: IsoDate, days: number): IsoDate | undefined {
    const next = this.#after(date, days);
    return next < LAST_LOAN_EVENT ? next : undefined;
  }

  #loanId(bank: Bank, year: number): string {
    return `${bank.loanPrefix}-${year}-${pad(this.ids.next(`${bank.loanPrefix}${year}`, [5, 60], [1, 6]), 4)}`;
  }

  #check(label: string, loan: Loan, npp: Fen, recovered: Fen): void {
    const year = yearOf(loan.filing.data.filedOn);
    const owed = year >= 2023 && year <= 2025 ? applyBasisPoints(npp - recovered, COMPENSATION_BP) : 0n;
    this.checks.push(
      `${label}: ${loan.filing.data.loanId} principal ${fenToYuan(loan.principal)}, default ${fenToYuan(npp)}, ` +
        `recovered ${fenToYuan(recovered)} → ${fenToYuan(owed)}`,
    );
  }
}
