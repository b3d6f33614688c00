/**
 * NODE_OPTIONS that preload instrumentation into a generated server child and print its
 * counts on SIGUSR2 as `<tag> <json>`. The preload runs on every thread; the server serves
 * on a worker thread, which gets no signals, so the main thread asks the other threads for
 * their counts over a BroadcastChannel (and prints its own when it counted anything).
 */
export interface CounterPreload {
  /** What SIGUSR2 prints before the counts. */
  tag: string;
  /** Module code (imports allowed) that installs the counters. */
  setup: string;
  /** An expression: the counts to print. */
  counts: string;
  /** An expression: true when this thread counted something itself. */
  counted: string;
}

export function counterPreloadNodeOptions(p: CounterPreload): string {
  const code = `import { isMainThread } from "node:worker_threads";
${p.setup}
const counts = () => (${p.counts});
const print = (counts) => process.stdout.write(${JSON.stringify(p.tag)} + " " + JSON.stringify(counts) + "\\n");
const channel = new BroadcastChannel(${JSON.stringify(`bench-counts-${p.tag}`)});
channel.unref();
if (isMainThread) {
  channel.onmessage = (e) => { if (e.data.counts) print(e.data.counts); };
  process.on("SIGUSR2", () => ((${p.counted}) ? print(counts()) : channel.postMessage({ ask: true })));
} else {
  channel.onmessage = (e) => { if (e.data.ask) channel.postMessage({ counts: counts() }); };
}`;
  return `--import=data:text/javascript,${encodeURIComponent(code)}`;
}
