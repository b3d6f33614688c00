/**
 * NODE_OPTIONS that make a server child write a CPU profile of its serving thread,
 * for finding where a benchmark's time goes (Node refuses --cpu-prof in NODE_OPTIONS,
 * and the generated server serves on a worker thread). The preload runs on every
 * thread; on the worker it starts the V8 profiler through node:inspector and writes
 * `<dir>/serving-<pid>.cpuprofile` when the thread exits (open it in Chrome DevTools,
 * or summarise it with `node --import tsx bench/support/cpu-profile.ts <file>`).
 */
import { readFileSync } from "node:fs";

export function cpuProfileNodeOptions(dir: string): string {
  const code = `import { isMainThread } from "node:worker_threads";
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";
if (!isMainThread) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  session.post("Profiler.start");
  process.on("exit", () => session.post("Profiler.stop", (err, r) => {
    if (err) return;
    mkdirSync(${JSON.stringify(dir)}, { recursive: true });
    writeFileSync(${JSON.stringify(dir)} + "/serving-" + process.pid + ".cpuprofile", JSON.stringify(r.profile));
  }));
}`;
  return `--import=data:text/javascript,${encodeURIComponent(code)}`;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time per function, and inclusive time of the frames a name filter picks, from a .cpuprofile. */
function summarise(file: string, top = 40): void {
  const p = JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byName = new Map<string, number>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(runtime|node_modules|generated|apiserver)\//, "$1/")}:${f.lineNumber + 1}`;
    byName.set(name, (byName.get(name) ?? 0) + (self.get(n.id) ?? 0));
  }
  const rows = [...byName].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
  for (const [name, us] of rows) console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) summarise(process.argv[2]!, Number(process.argv[3] ?? 40));
