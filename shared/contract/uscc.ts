/**
 * Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters; positions 1–2 and 9–17 from
 * the 31-symbol alphabet, 3–8 digits (division code), 18 a check character over the first 17.
 */
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The check character for the first 17 characters, or `undefined` if one is outside the alphabet. */
export function usccCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return undefined;
    sum += value * (WEIGHTS[i] ?? 0);
  }
  const check = 31 - (sum % 31);
  return USCC_ALPHABET.charAt(check === 31 ? 0 : check);
}

/** What is wrong with a USCC, or `undefined` when it is valid. */
export function usccProblem(uscc: string): string | undefined {
  if (uscc.length !== 18) return `must be 18 characters, got ${uscc.length}`;
  for (const [i, ch] of [...uscc].entries()) {
    const position = i + 1;
    const digitsOnly = position >= 3 && position <= 8;
    if (digitsOnly ? !/[0-9]/.test(ch) : !USCC_ALPHABET.includes(ch)) {
      return digitsOnly
        ? `position ${position} must be a digit (division code), got '${ch}'`
        : `position ${position} '${ch}' is not in the USCC alphabet ${USCC_ALPHABET}`;
    }
  }
  const expected = usccCheckCharacter(uscc.slice(0, 17));
  if (uscc.charAt(17) !== expected) return `check character is '${uscc.charAt(17)}', expected '${expected}'`;
  return undefined;
}
