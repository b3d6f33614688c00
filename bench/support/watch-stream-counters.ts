/**
 * NODE_OPTIONS for a generated server child that reports how its watch streams write:
 * it wraps the WatchStream write of the runtime the server loads (runtime/dist) to count
 * socket writes and the event frames they carried, and reads the serving thread's event
 * loop utilisation. On SIGUSR2 it prints `BENCH-WATCH-STREAMS {"writes":n,"frames":m,
 * "active":ms,"idle":ms}` (totals since start: the bench subtracts two readings). As with
 * the encode counter (procs.ts), the server serves on a worker thread, which gets no
 * signals, so the main thread asks it over a BroadcastChannel.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../../test/support/generated-server.js";

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
  const code = `import { WatchStream } from ${JSON.stringify(target)};
import { isMainThread } from "node:worker_threads";
import { performance } from "node:perf_hooks";
const c = { writes: 0, frames: 0 };
const write = WatchStream.prototype.write;
WatchStream.prototype.write = function () {
  const frames = this.pending.length;
  if (frames > 0) { c.writes++; c.frames += frames; }
  return write.call(this);
};
const counts = () => { const { active, idle } = performance.eventLoopUtilization(); return { ...c, active, idle }; };
const print = (counts) => process.stdout.write(${JSON.stringify(WATCH_STREAM_COUNTS_TAG)} + " " + JSON.stringify(counts) + "\\n");
const channel = new BroadcastChannel("bench-watch-streams");
channel.unref();
if (isMainThread) {
  channel.onmessage = (e) => { if (e.data.counts) print(e.data.counts); };
  process.on("SIGUSR2", () => (c.writes ? print(counts()) : channel.postMessage({ ask: true })));
} else {
  channel.onmessage = (e) => { if (e.data.ask) channel.postMessage({ counts: counts() }); };
}`;
  return `--import=data:text/javascript,${encodeURIComponent(code)}`;
}
