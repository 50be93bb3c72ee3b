import { readCity } from "../shared/policy/files";
import { assemble } from "./assemble";
import { DraftBook } from "./draft";
import { Parties } from "./parties";
import { REDELIVERY_COUNT, redeliver } from "./redeliveries";
import { Rng } from "./rng";
import { Carriers } from "./scenarios/carriers";
import { Centres } from "./scenarios/centres";
import { Certifications } from "./scenarios/certifications";
import type { Check, Context, Scalable } from "./scenarios/context";
import { Contracts } from "./scenarios/contracts";
import { Institutions } from "./scenarios/institutions";
import { InvalidMessages } from "./scenarios/invalid";
import { Lifecycle } from "./scenarios/lifecycle";
import { Loans } from "./scenarios/loans";
import { Products } from "./scenarios/products";
import { RdExpenses } from "./scenarios/rd";
import { Targets } from "./scenarios/targets";
import { Vouchers } from "./scenarios/vouchers";
import { collectStats, type Stats } from "./stats";

export interface SampleOptions {
  readonly seed: number;
  /** Lines wanted; the designed cases alone set a floor. */
  readonly count: number;
}

export interface Sample {
  readonly lines: readonly string[];
  readonly stats: Stats;
  /** Lines the designed cases need, whatever `count` says. */
  readonly floor: number;
}

/** Every registry's part, each drawing on its own seeded stream (the parties are shared), made in this order. */
function registries(context: (label: string) => Context) {
  const carriers = new Carriers(context("carriers"));
  const institutions = new Institutions(context("institutions"));
  const certifications = new Certifications(context("certifications"));
  const rd = new RdExpenses(context("rd"), certifications.holders);
  const vouchers = new Vouchers(context("vouchers"));
  const loans = new Loans(context("loans"));
  const centres = new Centres(context("centres"));
  const products = new Products(context("products"));
  const contracts = new Contracts(context("contracts"));
  const targets = new Targets(context("targets"));
  return {
    carriers,
    institutions,
    certifications,
    rd,
    vouchers,
    loans,
    centres,
    products,
    contracts,
    targets,
  };
}

type Registries = ReturnType<typeof registries>;

/** The order the parts add their designed cases in, and the order their checks are listed in. */
const DESIGNED = [
  "carriers",
  "institutions",
  "certifications",
  "rd",
  "vouchers",
  "loans",
  "centres",
  "products",
  "contracts",
] as const;
const CHECKED = [
  "targets",
  "carriers",
  "institutions",
  "rd",
  "vouchers",
  "loans",
  "products",
  "contracts",
  "centres",
] as const;

/** Background facts: `lines` split over the parts that scale, by weight. */
function background(parts: Registries, lines: number): void {
  const scalable: readonly (readonly [Scalable, number])[] = [
    [parts.certifications, 22],
    [parts.contracts, 26],
    [parts.vouchers, 22],
    [parts.rd, 13],
    [parts.loans, 9],
    [parts.products, 3],
    [parts.centres, 1],
  ];
  const shares = allocate(
    lines,
    scalable.map(([, weight]) => weight),
  );
  scalable.forEach(([part], i) => {
    part.background(shares[i] ?? 0);
  });
}

/** The registries' facts of a sample, before the lifecycle is added: the book, the shared context and the floor. */
export interface RegistryFacts {
  readonly book: DraftBook;
  readonly context: (label: string) => Context;
  readonly floor: number;
  readonly checks: readonly Check[];
}

/**
 * The designed cases first (boundaries, corrections, disorder, rejections), then background facts up to
 * `count`, then the district targets (set from the certifications) and the redeliveries. The designed
 * part does not depend on `count`. `bench/replay-stream.ts` builds its province-sized stream on this.
 */
export function registryFacts({ seed, count }: SampleOptions): RegistryFacts {
  const book = new DraftBook(Rng.derive(seed, "envelopes"));
  const parties = new Parties(Rng.derive(seed, "parties"));
  const context = (label: string): Context => ({ rng: Rng.derive(seed, label), parties, book });

  const parts = registries(context);
  for (const name of DESIGNED) parts[name].designed();
  new InvalidMessages(context("invalid"), {
    certificates: parts.certifications.granted,
    vouchers: parts.vouchers.redeemed,
  }).designed();

  const floor = book.size + parts.targets.messageCount + REDELIVERY_COUNT;
  background(parts, Math.max(0, count - floor));
  parts.targets.emit(parts.certifications.standingFirsts);
  redeliver(Rng.derive(seed, "redeliveries"), book);
  return { book, context, floor, checks: CHECKED.flatMap((name) => parts[name].checks) };
}

/** The registries' facts, then a year of the payment lifecycle on them (scenarios/lifecycle.ts). */
export function generateSample({ seed, count }: SampleOptions): Sample {
  const { book, context, floor, checks } = registryFacts({ seed, count });
  const render = () => assemble(book.drafts, Rng.derive(seed, "ids")).map((l) => l.text);
  const lifecycle = new Lifecycle(context("lifecycle"), readCity("jinan"), render);
  lifecycle.designed();

  const lines = assemble(book.drafts, Rng.derive(seed, "ids"));
  return {
    lines: lines.map((l) => l.text),
    stats: collectStats(lines, [...lifecycle.checks, ...checks]),
    floor,
  };
}

/** Splits `total` by `weights` exactly (largest remainder). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
  }
  return shares;
}
