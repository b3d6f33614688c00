/**
 * NODE_OPTIONS for a generated server child that reports how its watch streams write:
 * it wraps the WatchStream write of the runtime the server loads (runtime/dist) to count
 * socket writes and the event frames they carried, and reads the serving thread's event
 * loop utilisation. On SIGUSR2 it prints `BENCH-WATCH-STREAMS {"writes":n,"frames":m,
 * "active":ms,"idle":ms}` (totals since start: the bench subtracts two readings), as the
 * encode counter (procs.ts) does, through counter-preload.ts.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../../test/support/generated-server.js";
import { counterPreloadNodeOptions } from "./counter-preload.js";

export const WATCH_STREAM_COUNTS_TAG = "BENCH-WATCH-STREAMS";

export interface WatchStreamCounts {
  /** Writes that carried frames (one per stream per flush). */
  writes: number;
  frames: number;
  /** The serving thread's event loop, busy and idle, in ms. */
  active: number;
  idle: number;
}

export function watchStreamCounterNodeOptions(): string {
  const target = pathToFileURL(path.join(repoRoot, "runtime/dist/endpoints/watch-stream.js")).href;
  return counterPreloadNodeOptions({
    tag: WATCH_STREAM_COUNTS_TAG,
    setup: `import { WatchStream } from ${JSON.stringify(target)};
import { performance } from "node:perf_hooks";
const c = { writes: 0, frames: 0 };
const write = WatchStream.prototype.write;
WatchStream.prototype.write = function () {
  const frames = this.pending.length;
  if (frames > 0) { c.writes++; c.frames += frames; }
  return write.call(this);
};`,
    counts: "{ ...c, ...performance.eventLoopUtilization() }",
    counted: "c.writes > 0",
  });
}
