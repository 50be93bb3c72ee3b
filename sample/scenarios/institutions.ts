import { dateIn, publishedAfter } from "../calendar";
import { TRANSFER_INSTITUTIONS } from "../catalogue";
import { emit, type InstitutionAccredited } from "../events";
import type { Check, Context } from "./context";

type Name = keyof typeof TRANSFER_INSTITUTIONS;

/** [institution, level, rating, year]: national pays 1,000,000; provincial-demo pays only when excellent. */
const ACCREDITATIONS: readonly (readonly [
  Name,
  InstitutionAccredited["level"],
  InstitutionAccredited["rating"],
  number,
])[] = [
  ["sdExchange", "national", undefined, 2023],
  ["jinanTtc", "national", "excellent", 2024],
  ["qiluMarket", "national", undefined, 2025],
  ["hitechTtc", "national", undefined, 2022],
  ["sduTtc", "provincial-demo", "excellent", 2024],
  ["quanchengIp", "provincial-demo", "excellent", 2023],
  ["qluTtc", "provincial-demo", "good", 2024],
  ["ujnTtc", "provincial-demo", "pass", 2023],
  ["sdasTtc", "provincial-demo", "excellent", 2025],
  ["sdasTtc", "national", undefined, 2026],
  ["kechuang", "provincial-demo", "good", 2025],
];

/** Technology-transfer institutions: a fixed, designed set. */
export class Institutions {
  readonly checks: Check[] = [
    "transfer institutions: national 2023/2024/2025 pay 1000000.00 once; provincial-demo excellent pays 500000.00, " +
      "good/pass nothing; 2022 and 2026 accreditations pay nothing",
  ];
  readonly #ctx: Context;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  designed(): void {
    const { rng, book } = this.#ctx;
    for (const [name, level, rating, year] of ACCREDITATIONS) {
      const accreditedOn = dateIn(rng, year);
      const institution = TRANSFER_INSTITUTIONS[name];
      emit(
        book,
        "transfer-institution.accredited",
        {
          institution: { id: institution.id, name: institution.name },
          level,
          ...(rating ? { rating } : {}),
          accreditedOn,
        },
        { time: publishedAfter(rng, accreditedOn, 2, 20) },
      );
    }
  }
}
