import {
  addDays,
  dateBetween,
  type Instant,
  type IsoDate,
  isoDate,
  LAST_FACT_DATE,
  later,
  publishedAfter,
  weekday,
  yearOf,
} from "../calendar";
import { type DistrictId, INCUBATING_CARRIERS, REVOCATION_REASONS } from "../catalogue";
import { defaultIdScheme, type SpecialCase } from "../draft";
import { type CertificationGranted, emit, type Fact } from "../events";
import { type Enterprise, ref } from "../parties";
import { type Context, FACT_YEARS, pad, type Scalable, Sequences } from "./context";

type Kind = CertificationGranted["kind"];
type Granted = Fact<"hte.certification.granted">;

interface GrantOptions {
  readonly year: number;
  readonly district?: DistrictId;
  readonly kind?: Kind;
  /** Always name an incubator (the carrier bonus follows the certificate). */
  readonly incubated?: boolean;
  readonly issuedOn?: IsoDate;
  /** Publication time; by default a few days after issue. */
  readonly time?: Instant;
  readonly cases?: readonly SpecialCase[];
}

/** Shandong certifies in batches; most certificates come with the autumn and winter ones. */
const BATCHES: readonly (readonly [string, number])[] = [
  ["03-15", 8],
  ["06-20", 14],
  ["09-19", 20],
  ["11-21", 32],
  ["12-12", 26],
];
/** Where relocated enterprises were certified before moving in: Beijing, Tianjin, Shanghai, Jiangsu, Zhejiang, Guangdong. */
const OTHER_PROVINCES = ["11", "12", "31", "32", "33", "44"] as const;
const LAST_REVOCATION: IsoDate = "2026-09-30";

/**
 * High-tech enterprise certifications and revocations. Tracks N, the standing first/relocated
 * certificates per district and year, from which the district targets are set afterwards.
 */
export class Certifications implements Scalable {
  readonly granted: Granted[] = [];
  /** Enterprises holding a certificate (R&D data files them as category `hte`). */
  readonly holders: Enterprise[] = [];
  readonly #ctx: Context;
  readonly #numbers: Sequences;
  readonly #standing = new Map<string, number>();
  readonly #revoked = new Set<string>();
  readonly #background: Granted[] = [];

  constructor(ctx: Context) {
    this.#ctx = ctx;
    this.#numbers = new Sequences(ctx.rng);
  }

  /** Standing first/relocated certificates, by `district|year` of issue. */
  get standingFirsts(): ReadonlyMap<string, number> {
    return this.#standing;
  }

  designed(): void {
    // Enough first certifications for the district plans (target exceeded by 12 and by exactly 10; 2025 cap).
    this.#firsts(2024, "jinan-hitech-zone", 30);
    this.#firsts(2024, "370102", 14);
    this.#firsts(2025, "370112", 14);
    this.#firsts(2023, "jinan-hitech-zone", 8);
    for (const year of [2023, 2024, 2025]) this.grant({ year, kind: "renewal" });
    // Outside the policy window: certified, paid nothing.
    for (const year of [2022, 2022, 2026]) this.grant({ year });

    this.revoke(this.grant({ year: 2024, district: "jinan-hitech-zone", kind: "first", incubated: true }));
    this.revoke(this.grant({ year: 2023, kind: "renewal" }));
    this.revoke(this.grant({ year: 2024, district: "370102", kind: "relocated" }));
    this.#revokedBeforeGranted(2024, "jinan-hitech-zone");
    this.#revokedBeforeGranted(2023, "370112");
    this.#orphanRevocation();
  }

  background(n: number): void {
    const { rng } = this.#ctx;
    for (let added = 0; added < n; added++) {
      const candidate =
        this.#background.length > 20 && rng.chance(0.035) ? rng.pick(this.#background) : undefined;
      if (
        candidate &&
        !this.#revoked.has(candidate.data.certificateNo) &&
        yearOf(candidate.data.issuedOn) < 2026
      ) {
        this.revoke(candidate);
      } else {
        this.#background.push(this.grant({ year: rng.weighted(FACT_YEARS) }));
      }
    }
  }

  grant(options: GrantOptions): Granted {
    const { rng, parties, book } = this.#ctx;
    const kind =
      options.kind ??
      rng.weighted<Kind>([
        ["first", 62],
        ["renewal", 28],
        ["relocated", 10],
      ]);
    const enterprise = parties.fresh(options.district);
    const issuedOn = options.issuedOn ?? this.#issueDate(options.year);
    const firstLike = kind !== "renewal";
    const incubated = options.incubated ?? rng.chance(firstLike ? 0.35 : 0.08);
    const incubator = incubated ? rng.pick(INCUBATING_CARRIERS) : undefined;
    const data: CertificationGranted = {
      certificateNo: this.#certificateNo(options.year, kind),
      enterprise: ref(enterprise),
      kind,
      scale: rng.chance(0.25) ? "above" : "below",
      district: enterprise.district,
      ...(incubator ? { incubator: { id: incubator.id, name: incubator.name } } : {}),
      issuedOn,
    };
    const time = options.time ?? publishedAfter(rng, issuedOn, 2, 12);
    const fact = emit(book, "hte.certification.granted", data, {
      time,
      idScheme: defaultIdScheme("hte.certification.granted", time, data.district),
      cases: options.cases,
    });
    this.granted.push(fact);
    this.holders.push(enterprise);
    if (firstLike) this.#count(fact, 1);
    return fact;
  }

  revoke(certificate: Granted): void {
    const { rng, book } = this.#ctx;
    const revokedOn = this.#revocationDate(certificate.data.issuedOn);
    const time = publishedAfter(rng, revokedOn, 1, 10);
    emit(
      book,
      "hte.certification.revoked",
      { certificateNo: certificate.data.certificateNo, revokedOn, reason: rng.pick(REVOCATION_REASONS) },
      { time, cases: ["revocation"] },
    );
    this.#markRevoked(certificate);
  }

  #firsts(year: number, district: DistrictId, count: number): void {
    for (let i = 0; i < count; i++) {
      this.grant({ year, district, kind: this.#ctx.rng.chance(0.12) ? "relocated" : "first" });
    }
  }

  /**
   * The registry back-fills a certificate together with its revocation; the queue delivers the
   * revocation a few lines first, so it waits and applies once the certificate is in.
   */
  #revokedBeforeGranted(year: number, district: DistrictId): void {
    const { rng, book } = this.#ctx;
    const issuedOn = this.#issueDate(year);
    const revokedOn = this.#revocationDate(issuedOn);
    const revokedAt = publishedAfter(rng, revokedOn, 1, 4);
    const certificate = this.grant({
      year,
      district,
      kind: "first",
      issuedOn,
      time: revokedAt - rng.int(60, 300) * 60_000,
      cases: ["backfilled-original"],
    });
    emit(
      book,
      "hte.certification.revoked",
      { certificateNo: certificate.data.certificateNo, revokedOn, reason: rng.pick(REVOCATION_REASONS) },
      {
        time: later(rng, revokedAt, 0, 5),
        placement: { kind: "before", anchor: certificate, lines: rng.int(2, 12) },
        cases: ["revocation", "dependent-before-original"],
      },
    );
    this.#markRevoked(certificate);
  }

  /** A revocation for a certificate this stream never grants: it waits, then dead-letters. */
  #orphanRevocation(): void {
    const { rng, book } = this.#ctx;
    const revokedOn = dateBetween(rng, isoDate(2024, 4, 1), isoDate(2024, 10, 31));
    emit(
      book,
      "hte.certification.revoked",
      { certificateNo: this.#certificateNo(2022, "first"), revokedOn, reason: rng.pick(REVOCATION_REASONS) },
      {
        time: publishedAfter(rng, revokedOn, 1, 6),
        cases: ["orphan-dependent"],
      },
    );
  }

  #issueDate(year: number): IsoDate {
    const batches = BATCHES.filter(([day]) => `${year}-${day}` <= LAST_FACT_DATE);
    return weekday(`${year}-${this.#ctx.rng.weighted(batches)}`);
  }

  #revocationDate(issuedOn: IsoDate): IsoDate {
    const date = weekday(addDays(issuedOn, this.#ctx.rng.int(60, 420)));
    return date > LAST_REVOCATION ? LAST_REVOCATION : date;
  }

  #markRevoked(certificate: Granted): void {
    this.#revoked.add(certificate.data.certificateNo);
    if (certificate.data.kind !== "renewal") this.#count(certificate, -1);
  }

  #count(certificate: Granted, delta: number): void {
    const key = `${certificate.data.district}|${yearOf(certificate.data.issuedOn)}`;
    this.#standing.set(key, (this.#standing.get(key) ?? 0) + delta);
  }

  /** `GR` + year + province + six digits, e.g. GR202437001234; relocated ones keep their old province. */
  #certificateNo(year: number, kind: Kind): string {
    const province = kind === "relocated" ? this.#ctx.rng.pick(OTHER_PROVINCES) : "37";
    const certYear = kind === "relocated" ? year - this.#ctx.rng.int(0, 2) : year;
    const key = `${certYear}${province}`;
    return `GR${key}${pad(this.#numbers.next(key, [800, 2400], [1, 23]), 6)}`;
  }
}
