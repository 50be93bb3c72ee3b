import { cappedShare, type Fen, fenToYuan, spreadYuan, sumFen, wireYuan, withCents, yuan } from "../amounts";
import { dateIn, type IsoDate, isoDate, publishedAfter, yearOf } from "../calendar";
import type { SpecialCase } from "../draft";
import { emit, type FirstPurchase } from "../events";
import { type Enterprise, ref } from "../parties";
import { FACT_YEARS, NumberedScenario, pad, type Scalable } from "./context";

const CAP = yuan(2_000_000);
const RATE_BP = 1000;

interface Purchase {
  readonly developer: Enterprise;
  readonly buyer: Enterprise;
  readonly amount: Fen;
  readonly purchasedOn: IsoDate;
  /** Filed for three years from the catalogue year unless this says otherwise. */
  readonly filedUntil?: IsoDate;
  readonly cases?: readonly SpecialCase[];
}

/** First purchases of filed major innovation products (首购首用). */
export class Products extends NumberedScenario implements Scalable {
  designed(): void {
    const { parties, rng } = this.ctx;
    const developer = parties.reserved();
    const big = [yuan(15_000_000), yuan(9_000_000)];
    for (const amount of big) {
      this.record({ developer, buyer: parties.existing(), amount, purchasedOn: dateIn(rng, 2024) });
    }
    const total = sumFen(big);
    this.checks.push(
      `first purchase, developer ${developer.uscc} over the yearly cap: ${big.map(fenToYuan).join(" + ")} = ` +
        `${fenToYuan(total)} → ${fenToYuan(cappedShare(total, RATE_BP, CAP))}`,
    );
    const exact = { developer: parties.reserved(), buyer: parties.reserved(), amount: yuan(20_000_000) };
    this.record({ ...exact, purchasedOn: dateIn(rng, 2024) });
    this.checks.push(
      `first purchase of ${fenToYuan(exact.amount)}: developer ${exact.developer.uscc} and buyer ${exact.buyer.uscc} ` +
        `each exactly at the cap → ${fenToYuan(cappedShare(exact.amount, RATE_BP, CAP))}`,
    );
    this.record({
      developer: parties.existing(),
      buyer: parties.existing(),
      amount: yuan(3_800_000),
      purchasedOn: isoDate(2024, 9, 12),
      filedUntil: isoDate(2024, 6, 30),
      cases: ["purchase-after-filing"],
    });
    this.record({
      developer: parties.existing(),
      buyer: parties.existing(),
      amount: yuan(2_600_000),
      purchasedOn: isoDate(2025, 6, 30),
      filedUntil: isoDate(2025, 6, 30),
    });
    this.checks.push(
      "first purchase on the last filed day (2025-06-30) qualifies; one after 2024-06-30 pays nothing",
    );
    for (const year of [2022, 2026]) {
      this.record({
        developer: parties.existing(),
        buyer: parties.existing(),
        amount: yuan(1_200_000),
        purchasedOn: dateIn(rng, year),
      });
    }
  }

  background(n: number): void {
    const { rng, parties } = this.ctx;
    for (let i = 0; i < n; i++) {
      const amount = spreadYuan(
        rng,
        [
          [300_000, 2_000_000, 50],
          [2_000_000, 8_000_000, 35],
          [8_000_000, 30_000_000, 15],
        ],
        100,
      );
      this.record({
        developer: parties.existing(),
        buyer: parties.existing(),
        amount: rng.chance(0.6) ? withCents(rng, amount) : amount,
        purchasedOn: dateIn(rng, rng.weighted(FACT_YEARS)),
      });
    }
  }

  record(purchase: Purchase): void {
    const { rng, book } = this.ctx;
    const year = yearOf(purchase.purchasedOn);
    const listedIn = year - rng.int(0, 2);
    const filedUntilMonth = rng.pick([6, 12]);
    const data: FirstPurchase = {
      productId: `P-${listedIn}-${pad(this.ids.next(String(listedIn), [1, 40], [1, 4]), 3)}`,
      productFiledUntil:
        purchase.filedUntil ?? isoDate(listedIn + 3, filedUntilMonth, filedUntilMonth === 6 ? 30 : 31),
      developer: ref(purchase.developer),
      buyer: ref(purchase.buyer),
      invoiceNo: `0370${String(year).slice(2)}${rng.chars("0123456789", 6)}-${rng.chars("0123456789", 8)}`,
      invoiceAmount: wireYuan(purchase.amount),
      purchasedOn: purchase.purchasedOn,
    };
    emit(book, "product.first-purchase.recorded", data, {
      time: publishedAfter(rng, purchase.purchasedOn, 5, 30),
      cases: purchase.cases,
    });
  }
}
