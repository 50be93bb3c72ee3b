import {
  cappedShare,
  type Fen,
  fenToYuan,
  spreadYuan,
  sumFen,
  wireYuan,
  withCents,
  yuan,
  yuanText,
} from "../amounts";
import { addDays, dateIn, type Instant, type IsoDate, later, publishedAfter, weekday } from "../calendar";
import { type Organisation, TRANSFER_INSTITUTIONS } from "../catalogue";
import type { SpecialCase } from "../draft";
import {
  type ContractCategory,
  type ContractParty,
  type ContractRegistered,
  emit,
  type Fact,
} from "../events";
import { ref } from "../parties";
import { type Check, type Context, FACT_YEARS, pad, type Scalable, Sequences } from "./context";

type Registered = Fact<"tech-contract.registered">;

/** A cancellation published together with its back-filled registration, and delivered before it. */
interface Late {
  readonly cancelledOn: IsoDate;
  readonly time: Instant;
}

interface Terms {
  readonly category?: ContractCategory;
  readonly amount: Fen;
  readonly year: number;
  readonly seller?: ContractParty;
  readonly buyer?: ContractParty & { sme: boolean };
  readonly intermediary?: Organisation;
  readonly inCity?: boolean;
  readonly registeredOn?: IsoDate;
  readonly time?: Instant;
  readonly cases?: readonly SpecialCase[];
}

const THRESHOLD = yuan(3_000_000);
const INSTITUTION_BP = 150;
const INSTITUTION_CAP = yuan(500_000);
const RD_SELLER_BP = 15;
const RD_SELLER_CAP = yuan(800_000);
const SME_BUYER_BP = 300;
const SME_BUYER_CAP = yuan(1_000_000);
const LAST_CANCELLATION: IsoDate = "2026-09-30";

/** Institutions whose yearly totals are designed; background contracts broker through the others. */
const DESIGNED_INSTITUTIONS = new Set<string>([
  TRANSFER_INSTITUTIONS.hitechTtc.id,
  TRANSFER_INSTITUTIONS.quanchengIp.id,
  TRANSFER_INSTITUTIONS.sdExchange.id,
  TRANSFER_INSTITUTIONS.qluTtc.id,
]);
const BACKGROUND_INSTITUTIONS = Object.values(TRANSFER_INSTITUTIONS).filter(
  (i) => !DESIGNED_INSTITUTIONS.has(i.id),
);

const CATEGORIES: readonly (readonly [ContractCategory, number])[] = [
  ["development", 40],
  ["transfer", 15],
  ["licensing", 15],
  ["consulting", 10],
  ["service", 20],
];

/** Technology contracts registered with the tech market (技术合同认定登记), and their cancellations. */
export class Contracts implements Scalable {
  readonly checks: Check[] = [];
  readonly #ctx: Context;
  readonly #numbers: Sequences;
  readonly #background: Registered[] = [];
  readonly #cancelled = new Set<string>();

  constructor(ctx: Context) {
    this.#ctx = ctx;
    this.#numbers = new Sequences(ctx.rng);
  }

  designed(): void {
    const { hitechTtc, quanchengIp, sdExchange, qluTtc } = TRANSFER_INSTITUTIONS;
    this.#brokered("institution exactly at the 3000000 threshold", hitechTtc, [
      "1250000",
      "999999.5",
      "750000.5",
    ]);
    // Same institution, not counted: out-of-city transformation, and another year.
    this.register({ amount: yuan(500_000), year: 2024, intermediary: hitechTtc, inCity: false });
    this.register({ amount: yuan(800_000), year: 2025, intermediary: hitechTtc, inCity: true });
    this.#brokered("institution one fen below the threshold", quanchengIp, ["1800000", "1199999.99"]);
    this.#brokered("institution over the cap", sdExchange, ["12000000", "9500000", "8500000", "6000000"]);
    const dropping = this.#brokered("institution above the threshold before a cancellation", qluTtc, [
      "1400000",
      "1300000",
      "700000",
    ]);
    const last = dropping[dropping.length - 1];
    if (last) {
      this.cancel(last);
      const remaining = sumFen(dropping.slice(0, -1).map((c) => yuanText(c.data.amount)));
      this.checks.push(
        `…after cancelling ${last.data.contractNo}: S = ${fenToYuan(remaining)} → 0.00 (clawback)`,
      );
    }
    this.#bigSeller();
    this.#smeBuyerOverCap();
    this.#cancelledBeforeRegistered();
    this.#cancelledBeforeRegistered();
    this.#orphanCancellation();
    // An academic seller (no seller award) selling to an academic buyer (no SME award).
    this.register({
      amount: yuan(1_600_000),
      year: 2024,
      category: "development",
      seller: this.#academic(),
      buyer: { ...this.#academic(), sme: false },
    });
    for (const year of [2022, 2026]) this.register({ amount: yuan(450_000), year });
  }

  background(n: number): void {
    const { rng } = this.#ctx;
    for (let added = 0; added < n; added++) {
      const candidate =
        this.#background.length > 30 && rng.chance(0.04) ? rng.pick(this.#background) : undefined;
      if (candidate && !this.#cancelled.has(candidate.data.contractNo) && candidate.factYear < 2026) {
        this.cancel(candidate);
        continue;
      }
      const amount = spreadYuan(
        rng,
        [
          [20_000, 100_000, 35],
          [100_000, 500_000, 35],
          [500_000, 2_000_000, 22],
          [2_000_000, 8_000_000, 8],
        ],
        100,
      );
      const brokered = rng.chance(0.3);
      this.#background.push(
        this.register({
          amount: rng.chance(0.2) ? withCents(rng, amount) : amount,
          year: rng.weighted(FACT_YEARS),
          ...(brokered ? { intermediary: rng.pick(BACKGROUND_INSTITUTIONS) } : {}),
        }),
      );
    }
  }

  register(terms: Terms): Registered {
    const { rng, book } = this.#ctx;
    const registeredOn = terms.registeredOn ?? dateIn(rng, terms.year);
    const data: ContractRegistered = {
      contractNo: `${terms.year}3701${pad(this.#numbers.next(String(terms.year), [100, 3000], [1, 25]), 8)}`,
      category: terms.category ?? rng.weighted(CATEGORIES),
      amount: wireYuan(terms.amount),
      seller: terms.seller ?? this.#seller(),
      buyer: terms.buyer ?? this.#buyer(),
      ...(terms.intermediary
        ? { intermediary: { id: terms.intermediary.id, name: terms.intermediary.name } }
        : {}),
      inCityTransformation: terms.inCity ?? rng.chance(0.65),
      registeredOn,
    };
    return emit(book, "tech-contract.registered", data, {
      time: terms.time ?? publishedAfter(rng, registeredOn, 0, 3),
      cases: terms.cases,
    });
  }

  cancel(contract: Registered, late?: Late): void {
    const { rng, book } = this.#ctx;
    const cancelledOn = late?.cancelledOn ?? this.#cancellationDate(contract.data.registeredOn);
    this.#cancelled.add(contract.data.contractNo);
    emit(
      book,
      "tech-contract.cancelled",
      { contractNo: contract.data.contractNo, cancelledOn },
      {
        time: late?.time ?? publishedAfter(rng, cancelledOn, 0, 3),
        cases: late ? ["cancellation", "dependent-before-original"] : ["cancellation"],
        ...(late ? { placement: { kind: "before", anchor: contract, lines: rng.int(2, 12) } as const } : {}),
      },
    );
  }

  #cancellationDate(registeredOn: IsoDate): IsoDate {
    const dated = weekday(addDays(registeredOn, this.#ctx.rng.int(20, 200)));
    return dated > LAST_CANCELLATION ? LAST_CANCELLATION : dated;
  }

  /** In-city contracts brokered by `institution` in 2024, and the line that checks its turnover award. */
  #brokered(label: string, institution: Organisation, amounts: readonly string[]): Registered[] {
    const fen = amounts.map(yuanText);
    const contracts = fen.map((amount) =>
      this.register({ amount, year: 2024, intermediary: institution, inCity: true }),
    );
    const total = sumFen(fen);
    const award = total >= THRESHOLD ? cappedShare(total, INSTITUTION_BP, INSTITUTION_CAP) : 0n;
    this.checks.push(`${label}: ${institution.id} 2024 S = ${fenToYuan(total)} → ${fenToYuan(award)}`);
    return contracts;
  }

  /** A large enterprise whose development contracts pass the seller award's cap. */
  #bigSeller(): void {
    const { parties } = this.#ctx;
    const group = parties.reserved("jinan-hitech-zone", "集团有限公司");
    const seller: ContractParty = { uscc: group.uscc, name: group.name, kind: "enterprise", sme: false };
    const amounts = [yuan(220_000_000), yuan(180_000_000), yuan(150_000_000)];
    for (const amount of amounts) {
      const buyer = parties.existing();
      this.register({
        amount,
        year: 2024,
        category: "development",
        seller,
        buyer: { uscc: buyer.uscc, name: buyer.name, kind: "enterprise", sme: false },
      });
    }
    const total = sumFen(amounts);
    this.checks.push(
      `tech-contract-rd seller ${group.uscc} over the cap: ${fenToYuan(total)} × 1.5‰ → ${fenToYuan(cappedShare(total, RD_SELLER_BP, RD_SELLER_CAP))}`,
    );
  }

  #smeBuyerOverCap(): void {
    const sme = this.#ctx.parties.reserved();
    const buyer = { uscc: sme.uscc, name: sme.name, kind: "enterprise" as const, sme: true };
    const amounts = [yuan(20_000_000), yuan(16_000_000)];
    for (const amount of amounts) this.register({ amount, year: 2024, buyer, category: "transfer" });
    const total = sumFen(amounts);
    this.checks.push(
      `sme-tech-purchase buyer ${sme.uscc} over the cap: ${fenToYuan(total)} × 3% → ${fenToYuan(cappedShare(total, SME_BUYER_BP, SME_BUYER_CAP))}`,
    );
  }

  /** The market back-fills a registration with its cancellation; the cancellation is delivered first. */
  #cancelledBeforeRegistered(): void {
    const { rng } = this.#ctx;
    const registeredOn = dateIn(rng, 2024);
    const cancelledOn = this.#cancellationDate(registeredOn);
    const cancelAt = publishedAfter(rng, cancelledOn, 0, 2);
    const contract = this.register({
      amount: yuan(rng.int(80, 900) * 1000),
      year: 2024,
      registeredOn,
      time: cancelAt - rng.int(30, 240) * 60_000,
      cases: ["backfilled-original"],
    });
    this.cancel(contract, { cancelledOn, time: later(rng, cancelAt, 0, 10) });
  }

  /** A cancellation for a contract this stream never registers: it waits, then dead-letters. */
  #orphanCancellation(): void {
    const { rng, book } = this.#ctx;
    const cancelledOn = dateIn(rng, 2024);
    emit(
      book,
      "tech-contract.cancelled",
      { contractNo: `20233701${pad(this.#numbers.next("2023", [100, 3000], [1, 25]), 8)}`, cancelledOn },
      { time: publishedAfter(rng, cancelledOn, 0, 3), cases: ["orphan-dependent"] },
    );
  }

  #seller(): ContractParty {
    const { rng, parties } = this.#ctx;
    const kind = rng.weighted<"enterprise" | "academic">([
      ["enterprise", 72],
      ["academic", 28],
    ]);
    if (kind === "academic") return this.#academic();
    const e = parties.existing();
    return { ...ref(e), kind: "enterprise", ...(rng.chance(0.3) ? { sme: rng.chance(0.7) } : {}) };
  }

  #buyer(): ContractParty & { sme: boolean } {
    const { rng, parties } = this.#ctx;
    if (rng.chance(0.08)) return { ...this.#academic(), sme: false };
    return { ...ref(parties.existing()), kind: "enterprise", sme: rng.chance(0.65) };
  }

  #academic(): ContractParty {
    const a = this.#ctx.parties.academic();
    return { uscc: a.uscc, name: a.name, kind: a.kind };
  }
}
