import type { LocalStack } from "../../local/stack";

/** One line on stderr, redrawn in place on a terminal: published, ingested, payouts relayed. */
export class Progress {
  private sent = 0;
  constructor(
    private readonly total: number,
    private readonly stack: LocalStack,
    private readonly elapsed: () => string,
  ) {}
  published(sent: number) {
    this.sent = sent;
    this.draw();
  }
  draw(final = false) {
    const ingested = this.stack.ingestCounters().deleted;
    const relayed = this.stack.relay.counters.records;
    const width = 30;
    const filled = Math.round((Math.min(ingested, this.total) / this.total) * width);
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] published ${this.sent}/${this.total} · ingested ${ingested} · payouts relayed ${relayed} · ${this.elapsed()}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${final ? "\n" : ""}`);
    else if (final) process.stderr.write(`${line}\n`);
  }
}
