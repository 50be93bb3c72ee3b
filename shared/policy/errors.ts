/** A city file that does not validate: names the file, the program and the field. */
export class CityConfigError extends Error {
  override readonly name = "CityConfigError";
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${file}: invalid city configuration\n${problems.map((p) => `  - ${p}`).join("\n")}`, options);
  }
}
