// Preloaded into a replay child (node --import): at exit, writes the process's peak resident set size
// (getrusage ru_maxrss, via process.resourceUsage) and V8's heap statistics to $REPLAY_PEAK_FILE. It is
// loaded from outside the measured tree, so the previous release is measured the same way, unchanged.
import { writeFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";

const file = process.env.REPLAY_PEAK_FILE;
if (file) {
  process.on("exit", () => {
    const heap = getHeapStatistics();
    const peak = {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      heapUsedAtExitBytes: heap.used_heap_size,
      heapTotalAtExitBytes: heap.total_heap_size,
    };
    writeFileSync(file, JSON.stringify(peak));
  });
}
