import { type Fen, fenToYuan } from "../money";
import type { Program } from "../policy/kinds";
import { percent } from "../policy/kinds/kind";

/**
 * Who pays a payout (payouts.md § Funders): the unit's entitlement is split among the program's funders,
 * before and after, and each funder pays the difference of its own split. So the lines of a payout sum to
 * its amount, and a funder's lines over a unit's payouts sum to its split of the current entitlement —
 * corrections never drift between funders.
 */

export type Funders = NonNullable<Program["funders"]>;

/** Fen per funder id, in the city file's order of the funders. */
export type FunderFen = Map<string, Fen>;

/**
 * Largest remainder (Hamilton): each funder gets ⌊amount × share / 10,000⌋, and the fen left over (fewer
 * than the number of funders) go one each to the largest remainders, ties to the funder listed first. A
 * negative amount is split as its magnitude, negated, so a negative entitlement mirrors a positive one.
 */
export function splitFen(amountFen: Fen, funders: Funders): FunderFen {
  if (amountFen < 0n) {
    return new Map([...splitFen(-amountFen, funders)].map(([funder, fen]) => [funder, -fen]));
  }
  return largestRemainder(
    amountFen,
    funders.map((f) => ({ funder: f.funder, weight: BigInt(f.shareBasisPoints) })),
    10_000n,
  );
}

/**
 * A payment line's amount split over the funder lines of the payout it came from (payments.md § Payment
 * instructions): those lines themselves when the line is the whole payout, otherwise largest remainder
 * with the payout's lines as the weights, ties to the funder listed first. Σ = `amountFen`, exactly.
 */
export function splitOver(amountFen: Fen, sourceLines: FunderFen): FunderFen {
  const totalFen = [...sourceLines.values()].reduce((sum, fen) => sum + fen, 0n);
  if (totalFen <= 0n) throw new RangeError("a line's payout lines must sum to a positive amount");
  if (amountFen === totalFen) return new Map(sourceLines);
  const weights = [...sourceLines].map(([funder, weight]) => ({ funder, weight }));
  return largestRemainder(amountFen, weights, totalFen);
}

/**
 * Hamilton over any positive total of weights: ⌊amount × weight / total⌋ each (a true floor, so a
 * negative weight — a payout's line a fen the other way — still leaves fewer fen over than parts), then
 * one fen each to the largest remainders, equal remainders to the part listed first.
 */
function largestRemainder(
  amountFen: Fen,
  parts: readonly { funder: string; weight: bigint }[],
  totalWeight: bigint,
): FunderFen {
  const quotas = parts.map((p, order) => {
    const product = amountFen * p.weight;
    let fen = product / totalWeight;
    if (fen * totalWeight > product) fen -= 1n; // bigint division truncates toward zero
    return { funder: p.funder, order, fen, remainder: product - fen * totalWeight };
  });
  let leftoverFen = amountFen - quotas.reduce((sum, q) => sum + q.fen, 0n);
  const byRemainder = [...quotas].sort((a, b) =>
    a.remainder === b.remainder ? a.order - b.order : a.remainder > b.remainder ? -1 : 1,
  );
  for (const quota of byRemainder) {
    if (leftoverFen === 0n) break;
    quota.fen += 1n;
    leftoverFen -= 1n;
  }
  return new Map(quotas.map((q) => [q.funder, q.fen]));
}

/** Each funder's line of a change from one entitlement to another: its split of each, subtracted. */
export function funderLines(previousFen: Fen, entitledFen: Fen, funders: Funders): FunderFen {
  const before = splitFen(previousFen, funders);
  const after = splitFen(entitledFen, funders);
  return new Map(
    funders.map(({ funder }) => [funder, (after.get(funder) ?? 0n) - (before.get(funder) ?? 0n)]),
  );
}

/** Lines of several units paid as one payout (one fact moving a payout's units): added per funder. */
export function addLines(to: FunderFen, lines: FunderFen): void {
  for (const [funder, fen] of lines) to.set(funder, (to.get(funder) ?? 0n) + fen);
}

/**
 * The split for the explanation, so each line can be checked by hand (payouts.md § Funders):
 * `split of 20000.01: city 40% 8000.00, district 60% 12000.01 (before: city 0.00, district 0.00)`.
 */
export function describeSplit(previousFen: Fen, entitledFen: Fen, funders: Funders): string {
  const parts = (fen: Fen, withShares: boolean) => {
    const split = splitFen(fen, funders);
    return funders
      .map(
        (f) =>
          `${f.funder}${withShares ? ` ${percent(f.shareBasisPoints)}` : ""} ${fenToYuan(split.get(f.funder) ?? 0n)}`,
      )
      .join(", ");
  };
  return `split of ${fenToYuan(entitledFen)}: ${parts(entitledFen, true)} (before: ${parts(previousFen, false)})`;
}
