/**
 * Instructions a server executes per request, counted by valgrind's callgrind: on a shared or
 * virtualised machine wall and CPU time swing from run to run, an instruction count does not
 * (beyond what V8's JIT decides differently in each process, a few percent). Counting starts
 * after a warm-up, so it sees the compiled steady state, and stops before the server exits.
 * V8's garbage collector and compiler are counted apart: when a collection or a recompilation
 * falls in the counted window is chance, and one can double the total.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { GeneratedServer } from "../../test/support/generated-server.js";

export interface InstructionCount {
  /** Per request, V8's collector and compiler left out. */
  perRequest: number;
  /** Per request, the collector and compiler alone. */
  gcAndCompilerPerRequest: number;
  requests: number;
  /** Requests of the uncounted rounds. */
  warmupRequests: number;
}

/** Functions of V8's garbage collector and optimising compiler (by their C++ names in callgrind's report). */
const GC_AND_COMPILER = /v8::internal::(compiler::|Heap|Scaveng|MarkCompact|Sweeper|Concurrent|Marking|Evacuat|Zone|OptimizingCompile|MemoryAllocator|PagedSpace|SemiSpace|Worklist|SlotSet|RememberedSet)/;

/** Why instructions cannot be counted here, or undefined when they can. */
export function callgrindMissing(): string | undefined {
  for (const tool of ["valgrind", "callgrind_control"]) {
    if (spawnSync(tool, ["--version"]).status !== 0) return `${tool} is not installed (Debian's valgrind package)`;
  }
  return undefined;
}

/**
 * Starts a server under callgrind with `start`, sends `warmup` rounds of `drive` uncounted,
 * then one counted round; `drive` returns how many requests it completed. `name` names the file.
 * With `minWarmupMs`, uncounted rounds go on until the server has run that long: a server that
 * does periodic work (informers list again every minute) does it first outside the count, where
 * under callgrind, each request lasting some 50 times as long, it would weigh 50 times as much.
 */
export async function countInstructions(
  name: string,
  start: (wrapper: string[]) => Promise<GeneratedServer>,
  drive: (server: GeneratedServer) => Promise<number>,
  warmup: number,
  minWarmupMs = 0,
): Promise<InstructionCount> {
  // BENCH_CALLGRIND_DIR=<dir> keeps callgrind's files there, for callgrind_annotate.
  const keep = process.env.BENCH_CALLGRIND_DIR;
  const dir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), "skai-bench-callgrind-"));
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `callgrind.out.${name}`);
  try {
    const server = await start(["valgrind", "--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${out}`]);
    let requests: number;
    let warmupRequests = 0;
    try {
      const started = performance.now();
      for (let i = 0; i < warmup || performance.now() - started < minWarmupMs; i++) warmupRequests += await drive(server);
      const pid = String(server.child.pid);
      instrument(pid, "on");
      requests = await drive(server);
      instrument(pid, "off");
    } finally {
      await server.stop({ cleanup: true }); // callgrind writes its file as the process exits
    }
    const { total, gcAndCompiler } = costs(out);
    if (total === 0) throw new Error(`callgrind counted nothing (${out})`);
    return { perRequest: (total - gcAndCompiler) / requests, gcAndCompilerPerRequest: gcAndCompiler / requests, requests, warmupRequests };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every function's own cost from callgrind_annotate, summed: all of it, and V8's collector and compiler. */
function costs(file: string): { total: number; gcAndCompiler: number } {
  const r = spawnSync("callgrind_annotate", ["--threshold=100", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`callgrind_annotate: ${r.stderr.trim()}`);
  let total = 0;
  let gcAndCompiler = 0;
  for (const line of r.stdout.split("\n")) {
    // "  1,234,567 ( 0.25%)  ???:v8::internal::Heap::Scavenge() [/usr/bin/node]"
    const m = /^\s*([\d,]+) \([ \d.]+%\)\s+(?!PROGRAM TOTALS)(\S.*)$/.exec(line);
    if (!m) continue;
    const ir = Number(m[1]!.replaceAll(",", ""));
    total += ir;
    if (GC_AND_COMPILER.test(m[2]!)) gcAndCompiler += ir;
  }
  return { total, gcAndCompiler };
}

function instrument(pid: string, state: "on" | "off"): void {
  const r = spawnSync("callgrind_control", ["-i", state, pid], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`callgrind_control -i ${state} ${pid}: ${(r.stderr || r.stdout).trim()}`);
}
