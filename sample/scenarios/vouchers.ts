import { fenToYuan } from "../../shared/money";
import { cappedShare, type Fen, spreadYuan, sumFen, wireYuan, withCents, yuan, yuanText } from "../amounts";
import { dateIn, publishedAfter } from "../calendar";
import { emit, type Fact, type VoucherRedeemed, type VoucherType } from "../events";
import { FACT_YEARS, NumberedScenario, pad, type Scalable } from "./context";

type Holder = VoucherRedeemed["holder"];
const CAPS: Record<Holder["kind"], Fen> = { sme: yuan(500_000), team: yuan(100_000) };
const HALF_BP = 5000;
const TYPES: readonly (readonly [VoucherType, number])[] = [
  ["testing", 30],
  ["rd-design", 20],
  ["consulting", 15],
  ["tech-transfer", 15],
  ["compute", 20],
];

/** Innovation vouchers (创新券) redeemed by SMEs and founders' teams. */
export class Vouchers extends NumberedScenario implements Scalable {
  readonly redeemed: Fact<"voucher.redeemed">[] = [];

  designed(): void {
    const { parties } = this.ctx;
    const sme = (): Holder => {
      const e = parties.reserved();
      return { id: e.uscc, name: e.name, kind: "sme" };
    };
    const team = (): Holder => ({ ...parties.newTeam(2024, false), kind: "team" });
    const smeA = sme();
    this.#unit("sme reaching the cap exactly", smeA, "testing", 2024, ["400000", "350000", "250000"]);
    this.#unit("sme, another voucher type", smeA, "compute", 2024, ["80000"]);
    this.#unit("sme, next year", smeA, "testing", 2025, ["200000"]);
    this.#unit("sme over the cap", sme(), "rd-design", 2024, ["600000", "700000"]);
    this.#unit("team reaching the cap exactly", team(), "testing", 2024, ["120000", "80000"]);
    this.#unit("team over the cap", team(), "compute", 2024, ["150000", "90000", "60000"]);
    this.#unit("rounding on the unit total, not per voucher", sme(), "consulting", 2024, [
      "1000.01",
      "1000.01",
    ]);
    this.#unit("outside the policy window", sme(), "testing", 2022, ["50000"]);
    this.#unit("outside the policy window", team(), "compute", 2026, ["30000"]);
  }

  background(n: number): void {
    const { rng, parties } = this.ctx;
    for (let i = 0; i < n; i++) {
      const year = rng.weighted(FACT_YEARS);
      const holder: Holder = rng.chance(0.8)
        ? (({ uscc, name }) => ({ id: uscc, name, kind: "sme" as const }))(parties.existing())
        : { ...parties.team(year), kind: "team" };
      const spend = spreadYuan(
        rng,
        [
          [2_000, 20_000, 40],
          [20_000, 100_000, 40],
          [100_000, 300_000, 20],
        ],
        10,
      );
      this.redeem(holder, rng.weighted(TYPES), year, rng.chance(0.15) ? withCents(rng, spend) : spend);
    }
  }

  redeem(holder: Holder, voucherType: VoucherType, year: number, spend: Fen): Fact<"voucher.redeemed"> {
    const { rng, book } = this.ctx;
    const redeemedOn = dateIn(rng, year);
    const data: VoucherRedeemed = {
      voucherId: `V${year}-${pad(this.ids.next(String(year), [120, 900], [1, 15]), 6)}`,
      holder,
      voucherType,
      eligibleSpend: wireYuan(spend),
      redeemedOn,
    };
    const fact = emit(book, "voucher.redeemed", data, {
      time: publishedAfter(rng, redeemedOn, 1, 15),
    });
    this.redeemed.push(fact);
    return fact;
  }

  /** One unit (holder, voucher type, year) with the given spends, and the line that checks it. */
  #unit(label: string, holder: Holder, type: VoucherType, year: number, spends: readonly string[]): void {
    const fen = spends.map(yuanText);
    for (const spend of fen) this.redeem(holder, type, year, spend);
    const total = sumFen(fen);
    const entitled = year >= 2023 && year <= 2025 ? cappedShare(total, HALF_BP, CAPS[holder.kind]) : 0n;
    this.checks.push(
      `voucher ${label}: ${holder.kind} ${holder.id} ${type} ${year}, spend ${spends.join(" + ")} = ${fenToYuan(total)} → ${fenToYuan(entitled)}`,
    );
  }
}
