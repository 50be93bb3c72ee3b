import type { FactType } from "../../shared/contract";
import { randomYuan, wireYuan, yuan, yuanText } from "../amounts";
import { addDays, dateIn, type IsoDate, isoDate, later, officeHours, yearOf } from "../calendar";
import { type Draft, defaultIdScheme, type Rejection } from "../draft";
import type { Fact } from "../events";
import type { JsonObject } from "../json";
import { ref, uscc, withWrongCheck } from "../parties";
import type { Context } from "./context";

interface Originals {
  readonly certificates: readonly Fact<"hte.certification.granted">[];
  readonly vouchers: readonly Fact<"voucher.redeemed">[];
}

type Edit = Pick<Draft, "envelopeEdit" | "textEdit" | "idScheme">;

/**
 * About one message in a hundred is wrong, each in its own way; the expected rejection reason is the
 * first that applies in the contract's order. Loans carry their own (a recovery above the default).
 */
export class InvalidMessages {
  readonly #ctx: Context;
  readonly #originals: Originals;

  constructor(ctx: Context, originals: Originals) {
    this.#ctx = ctx;
    this.#originals = originals;
  }

  designed(): void {
    this.#malformed();
    this.#notCloudEvents();
    this.#wrongTypeOrCity();
    this.#dataFaults();
    this.#futureDate();
    this.#conflicts();
  }

  #malformed(): void {
    const on = dateIn(this.#ctx.rng, 2024);
    this.#send(
      "tech-contract.registered",
      this.#contract(on),
      on,
      { reason: "malformed-json", what: "line cut off mid-object" },
      {
        textEdit: (text) => text.slice(0, Math.floor(text.length * 0.6)),
      },
    );
  }

  /** Envelopes that break the CloudEvents format itself. */
  #notCloudEvents(): void {
    const { rng, parties } = this.#ctx;
    const on = dateIn(rng, 2024);
    this.#send(
      "voucher.redeemed",
      this.#voucher(on),
      on,
      { reason: "not-cloudevent", what: "specversion missing" },
      {
        envelopeEdit: (e) => {
          delete e.specversion;
        },
      },
    );
    const centreOn = dateIn(rng, 2024);
    this.#send(
      "innovation-center.accredited",
      { enterprise: ref(parties.existing()), level: "provincial", accreditedOn: centreOn },
      centreOn,
      { reason: "not-cloudevent", what: "time without an offset" },
      {
        envelopeEdit: (e) => {
          if (typeof e.time === "string") e.time = e.time.slice(0, 19);
        },
      },
    );
    const loanOn = dateIn(rng, 2024);
    const loan = {
      loanId: `QLB-2024-${rng.int(7000, 7999)}`,
      bank: { id: "qilu-bank", name: "齐鲁银行股份有限公司" },
      borrower: ref(parties.existing()),
      principal: wireYuan(randomYuan(rng, 1_000_000, 5_000_000, 10_000)),
      filedOn: loanOn,
    };
    this.#send(
      "loan.filed",
      loan,
      loanOn,
      { reason: "not-cloudevent", what: "data_base64 instead of data" },
      {
        envelopeEdit: (e) => {
          e.data_base64 = Buffer.from(JSON.stringify(e.data)).toString("base64");
          delete e.data;
        },
      },
    );
  }

  /** Well-formed envelopes with a type the city does not take, or for another city. */
  #wrongTypeOrCity(): void {
    const { rng } = this.#ctx;
    const revokedOn = dateIn(rng, 2024);
    this.#send(
      "hte.certification.revoked",
      {
        certificateNo: `GR202237${rng.int(900_000, 999_999)}`,
        suspendedOn: revokedOn,
        reason: "暂停资格，限期整改",
      },
      revokedOn,
      { reason: "unsupported-type", what: "type hte.certification.suspended" },
      {
        idScheme: { prefix: `SUSP-${yearOf(revokedOn)}`, width: 5 },
        envelopeEdit: (e) => {
          e.type = "hte.certification.suspended";
        },
      },
    );
    const qingdaoOn = dateIn(rng, 2024);
    const qingdao = this.#voucher(qingdaoOn);
    this.#send(
      "voucher.redeemed",
      {
        ...qingdao,
        holder: { id: uscc(rng, "91", "370212"), name: "青岛海川智能科技有限公司", kind: "sme" },
      },
      qingdaoOn,
      { reason: "wrong-city", what: 'city "qingdao" (a Qingdao voucher on the Jinan queue)' },
      {
        envelopeEdit: (e) => {
          e.city = "qingdao";
        },
      },
    );
    const cityless = dateIn(rng, 2024);
    this.#send(
      "tech-contract.registered",
      this.#contract(cityless),
      cityless,
      { reason: "wrong-city", what: "city missing" },
      {
        envelopeEdit: (e) => {
          delete e.city;
        },
      },
    );
  }

  #dataFaults(): void {
    const { rng, parties } = this.#ctx;
    // A USCC with a wrong check character, then the registry's corrected resend under the same id.
    const enterprise = parties.existing();
    const rdData = (code: string): JsonObject => ({
      enterprise: { uscc: code, name: enterprise.name },
      fiscalYear: 2024,
      category: "tech-sme",
      rdExpense: wireYuan(randomYuan(rng, 500_000, 3_000_000, 100)),
    });
    const rdOn = isoDate(2025, 7, rng.int(1, 28));
    const bad = this.#send("rd.expense.verified", rdData(withWrongCheck(enterprise.uscc)), rdOn, {
      reason: "invalid-data",
      what: "data.enterprise.uscc check character wrong",
    });
    this.#ctx.book.add({
      type: "rd.expense.verified",
      data: { ...bad.data, enterprise: ref(enterprise) },
      time: later(rng, bad.time, 60 * 24, 60 * 72),
      factYear: 2024,
      idOf: bad,
      cases: ["corrected-resend-same-id"],
    });

    const voucherOn = dateIn(rng, 2024);
    this.#send("voucher.redeemed", { ...this.#voucher(voucherOn), eligibleSpend: 120000 }, voucherOn, {
      reason: "invalid-data",
      what: "data.eligibleSpend is a JSON number",
    });
    const impossible = "2023-02-29";
    this.#send("voucher.redeemed", { ...this.#voucher(impossible), redeemedOn: impossible }, "2023-03-01", {
      reason: "invalid-data",
      what: "data.redeemedOn 2023-02-29 is not a calendar date",
    });
    const certOn = dateIn(rng, 2024);
    const cert = this.#certificate(certOn);
    this.#send(
      "hte.certification.granted",
      { ...cert, enterprise: { ...ref(parties.existing()), legalRepresentative: "王建国" } },
      certOn,
      { reason: "invalid-data", what: "unknown field data.enterprise.legalRepresentative" },
    );
    this.#send("hte.certification.granted", { ...this.#certificate(certOn), incubator: null }, certOn, {
      reason: "invalid-data",
      what: "data.incubator is null",
    });
    this.#send("hte.certification.granted", { ...this.#certificate(certOn), district: "370181" }, certOn, {
      reason: "invalid-data",
      what: "data.district 370181 (章丘市, before it became a district) is unknown",
    });
    const icOn = isoDate(2025, 8, rng.int(1, 28));
    this.#send(
      "rd.expense.verified",
      {
        enterprise: ref(parties.existing()),
        fiscalYear: 2024,
        category: "ic",
        rdExpense: wireYuan(yuan(42_000_000)),
      },
      icOn,
      { reason: "invalid-data", what: "category ic without superDeduction" },
    );
  }

  #futureDate(): void {
    const { rng } = this.#ctx;
    const publishedOn = dateIn(rng, 2024);
    // Published on `publishedOn`: a fact dated four days later is beyond D + 1.
    const contract = { ...this.#contract(publishedOn), registeredOn: addDays(publishedOn, 4) };
    this.#send("tech-contract.registered", contract, publishedOn, {
      reason: "future-date",
      what: "registeredOn four days after the China date of time",
    });
  }

  #conflicts(): void {
    const { rng, book } = this.#ctx;
    const voucher = rng.pick(this.#originals.vouchers.filter((v) => v.factYear === 2024));
    book.add({
      type: "voucher.redeemed",
      data: { ...voucher.data, eligibleSpend: wireYuan(yuanText(voucher.data.eligibleSpend) + yuan(5_000)) },
      time: voucher.time,
      style: voucher.style,
      extras: voucher.extras,
      factYear: voucher.factYear,
      idOf: voucher,
      // Far after its original, so that concurrent workers still apply the original first ("the first applied stands").
      placement: { kind: "after", anchor: voucher, lines: rng.int(300, 400) },
      rejection: {
        reason: "conflicting-duplicate",
        what: "same source+id as an accepted voucher, different eligibleSpend",
      },
    });
    const candidates = this.#originals.certificates.filter(
      (c) => c.placement.kind === "time" && !c.cases.includes("backfilled-original") && c.factYear === 2024,
    );
    const certificate = rng.pick(candidates);
    const time = later(rng, certificate.time, 60 * 24 * 150, 60 * 24 * 240); // hundreds of lines after it
    book.add({
      type: "hte.certification.granted",
      data: { ...certificate.data, scale: certificate.data.scale === "above" ? "below" : "above" },
      time,
      factYear: certificate.factYear,
      idScheme: defaultIdScheme("hte.certification.granted", time, certificate.data.district),
      rejection: {
        reason: "conflicting-duplicate",
        what: "same certificateNo under a new id, different scale",
      },
    });
  }

  #send(
    type: FactType,
    data: JsonObject,
    on: IsoDate,
    rejection: Rejection,
    edit: Partial<Edit> = {},
  ): Draft {
    const { rng, book } = this.#ctx;
    return book.add({
      type,
      data,
      // Published the day of `on`, written with +08:00 (the missing-offset fault cuts that off).
      time: officeHours(rng, on),
      style: "offset",
      factYear: yearOf(on),
      rejection,
      ...edit,
    });
  }

  #voucher(on: IsoDate): JsonObject {
    const { rng, parties } = this.#ctx;
    const holder = parties.existing();
    return {
      voucherId: `V${on.slice(0, 4)}-${rng.int(990_000, 999_999)}`,
      holder: { id: holder.uscc, name: holder.name, kind: "sme" },
      voucherType: "testing",
      eligibleSpend: wireYuan(randomYuan(rng, 10_000, 150_000, 100)),
      redeemedOn: on,
    };
  }

  #contract(on: IsoDate): JsonObject {
    const { rng, parties } = this.#ctx;
    return {
      contractNo: `${on.slice(0, 4)}3701${rng.int(90_000_000, 99_999_999)}`,
      category: "development",
      amount: wireYuan(randomYuan(rng, 100_000, 2_000_000, 1000)),
      seller: { ...ref(parties.existing()), kind: "enterprise" },
      buyer: { ...ref(parties.existing()), kind: "enterprise", sme: true },
      inCityTransformation: true,
      registeredOn: on,
    };
  }

  #certificate(on: IsoDate): JsonObject {
    const { rng, parties } = this.#ctx;
    const enterprise = parties.existing();
    return {
      certificateNo: `GR${on.slice(0, 4)}37${rng.int(900_000, 999_999)}`,
      enterprise: ref(enterprise),
      kind: "first",
      scale: "below",
      district: enterprise.district,
      issuedOn: on,
    };
  }
}
