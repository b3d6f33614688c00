/**
 * Process plumbing for the benchmarks (bench/server.ts, bench/auth.ts,
 * bench/client.ts): the load generator, the bare https baseline and the
 * watchers each run as their own node process, so the measuring client does
 * not compete with the server inside one event loop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../../test/support/generated-server.js";
import type { LoadConfig, LoadResult } from "./load.js";
import type { BareServerConfig } from "./bare-server.js";
import { counterPreloadNodeOptions } from "./counter-preload.js";
import type { WatchersConfig, WatchersResult } from "./watchers.js";

const support = path.join(repoRoot, "bench/support");

function tsChild(file: string, arg: unknown, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(support, file), JSON.stringify(arg)], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"], env });
}

/**
 * The watchers' process asks glibc's malloc for transparent huge pages: its 500 new TLS
 * connections touch tens of MB the first time in the first second, and where a page fault is
 * dear (10 us each under this machine's hypervisor; pageFaultCostUs) 32,000 of them blocked
 * its event loop for hundreds of ms, which read as the server's latency. With 2 MB pages it
 * takes 5,000. The servers measured run as they are.
 */
const WATCHERS_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GLIBC_TUNABLES: [process.env.GLIBC_TUNABLES, "glibc.malloc.hugetlb=1"].filter(Boolean).join(":"),
};

function collect(child: ChildProcess): { out: () => string; exited: Promise<number | null> } {
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { out: () => out, exited: new Promise((r) => child.once("exit", (code) => r(code))) };
}

/** Runs the load generator in its own process and returns its result. */
export async function runLoadProcess(cfg: LoadConfig): Promise<LoadResult> {
  const child = tsChild("load.ts", cfg);
  const { out, exited } = collect(child);
  const code = await exited;
  const line = out().trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !line.startsWith("{")) throw new Error(`load generator failed (${code}):\n${out()}`);
  return JSON.parse(line) as LoadResult;
}

export interface ChildServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** The bare https server answering fixed bytes, in its own process. */
export async function startBareServer(cfg: BareServerConfig): Promise<ChildServer> {
  const child = tsChild("bare-server.ts", cfg);
  const { out, exited } = collect(child);
  const port = await waitForLine(child, out, /^PORT (\d+)$/m, 20_000).then((m) => Number(m[1]));
  return {
    port,
    pid: child.pid!,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface Watchers {
  /** Sends one round's acknowledgement times and returns its latencies; the streams stay open for another round. */
  round(acks: Record<string, number>): Promise<WatchersResult>;
  /** The last round's, then closes the streams. */
  finish(acks: Record<string, number>): Promise<WatchersResult>;
  kill(): void;
}

/** Opens the watchers in their own process; resolves once every stream is open. */
export async function startWatchers(cfg: WatchersConfig): Promise<Watchers> {
  const child = tsChild("watchers.ts", cfg, WATCHERS_ENV);
  const { out, exited } = collect(child);
  await waitForLine(child, out, /^READY$/m, 60_000);
  let rounds = 0;
  const round = async (acks: Record<string, number>) => {
    child.stdin!.write(JSON.stringify(acks) + "\n");
    const n = ++rounds;
    // Complete lines only: the last piece after a newline may still be arriving.
    const results = () => out().split("\n").slice(0, -1).filter((l) => l.startsWith("{"));
    const line = await waitForOutput(child, out, () => results()[n - 1], `result ${n}`, 120_000);
    return JSON.parse(line) as WatchersResult;
  };
  return {
    round,
    async finish(acks) {
      const result = await round(acks);
      child.stdin!.end();
      await exited;
      return result;
    },
    kill: () => void child.kill("SIGKILL"),
  };
}

function waitForLine(child: ChildProcess, out: () => string, re: RegExp, ms: number): Promise<RegExpExecArray> {
  return waitForOutput(child, out, () => re.exec(out()) ?? undefined, `${re}`, ms);
}

/** Resolves with what `found` returns once it returns something (checked as the child writes). */
function waitForOutput<T>(child: ChildProcess, out: () => string, found: () => T | undefined, what: string, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms:\n${out()}`)), ms);
    const check = () => {
      const m = found();
      if (m !== undefined) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve(m);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}):\n${out()}`));
    });
    check();
  });
}

/**
 * NODE_OPTIONS for a generated server child that counts how often a watch event is
 * encoded: it wraps EncodeCache.get of the runtime the server loads (runtime/dist) and
 * prints `BENCH-ENCODES {"made":n,"calls":m}` on SIGUSR2 (made = encodings actually
 * computed for `ev-*` keys, calls = lookups, one per event per watcher).
 */
export function encodeCounterNodeOptions(): string {
  const target = pathToFileURL(path.join(repoRoot, "runtime/dist/endpoints/encode-cache.js")).href;
  return counterPreloadNodeOptions({
    tag: "BENCH-ENCODES",
    setup: `import { EncodeCache } from ${JSON.stringify(target)};
const c = { made: 0, calls: 0 };
const get = EncodeCache.prototype.get;
EncodeCache.prototype.get = function (key, make) {
  if (typeof key === "string" && key.startsWith("ev-")) { c.calls++; return get.call(this, key, () => { c.made++; return make(); }); }
  return get.call(this, key, make);
};`,
    counts: "c",
    counted: "c.calls > 0",
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.system;
}

/** A process's CPU seconds in user space and in the kernel (sends, wake-ups, TLS syscalls). */
export function cpuTimes(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return { user: NaN, system: NaN };
  }
}

/** Minor page faults a process has taken so far (first touches of memory it was given), from /proc (Linux); NaN elsewhere. */
export function minorFaults(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]); // minflt
  } catch {
    return NaN;
  }
}

/**
 * What one minor page fault costs on this machine, in µs: the time to touch every page of
 * 64 MB just mapped, once (the kernel maps and zeroes each on first touch; under a
 * hypervisor that shadows page tables this is many times a bare machine's).
 */
export function pageFaultCostUs(): number {
  const size = 64 * 1024 * 1024;
  const page = 4096;
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const bytes = Buffer.allocUnsafeSlow(size); // mmap'ed by malloc at this size: untouched pages
    const t0 = performance.now();
    for (let at = 0; at < size; at += page) bytes[at] = 1;
    best = Math.min(best, ((performance.now() - t0) * 1000) / (size / page));
  }
  return best;
}

/** Runs the load generator against a server process and adds the server's CPU time per request (and its user-space part). */
export async function loadWithServerCpu(pid: number, cfg: LoadConfig): Promise<LoadResult & { serverCpuUsPerRequest: number; serverUserUsPerRequest: number }> {
  const c0 = cpuTimes(pid);
  const r = await runLoadProcess(cfg);
  const c1 = cpuTimes(pid);
  const per = (s: number) => (s * 1e6) / r.totalRequests;
  return { ...r, serverCpuUsPerRequest: per(c1.user + c1.system - c0.user - c0.system), serverUserUsPerRequest: per(c1.user - c0.user) };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
