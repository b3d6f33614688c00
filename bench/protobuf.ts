/**
 * Protobuf vs JSON for the wire form of a list of 5,000 TrainingJobs (issues 7 and 14:
 * protobuf at least 2x faster to encode+decode than JSON, and smaller). JSON is
 * measured as the server and a client pay for it: JSON.stringify plus UTF-8
 * bytes, then bytes to string plus JSON.parse. Objects look stored: full
 * metadata (uid, timestamps, labels, managedFields) and the example spec with
 * its pod template. Beside them, a deep copy of the decoded list: what building the objects
 * costs, which any decoder returning plain objects pays (JSON.parse too), mostly in scavenges
 * that move the new objects; it bounds what a faster decoder could gain.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { loadAll } from "js-yaml";
import { KindCodec } from "../client/src/protobuf/index.js";
import { TrainingJobProtobuf } from "../generated/src/skai.io/v1alpha1/protobuf.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function trainingJobs(n: number): Record<string, unknown>[] {
  const example = (loadAll(readFileSync(path.join(root, "examples/skai.io/v1alpha1/trainingjob.yaml"), "utf8")) as any[]).find((d) => d?.kind === "TrainingJob");
  const base = Date.parse("2026-01-01T00:00:00Z") / 1000;
  return Array.from({ length: n }, (_, i) => {
    const t = new Date((base + i * 37) * 1000).toISOString().slice(0, 19) + "Z";
    const obj = structuredClone(example);
    obj.metadata = {
      name: `job-${i}`,
      namespace: `team-${i % 20}`,
      uid: `6f1c${String(i).padStart(4, "0")}-3b7e-4c1a-9d2e-0a1b2c3d4e5f`,
      resourceVersion: String(100_000 + i),
      generation: 1 + (i % 3),
      creationTimestamp: t,
      labels: { team: `team-${i % 20}`, "skai.io/queue": "research" },
      annotations: { "skai.io/created-by": "alice@example.com" },
      managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "skai.io/v1alpha1", time: t, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:framework": {}, "f:workers": { "f:replicas": {} } } } }],
    };
    obj.status = { phase: "Running", activeWorkers: 4, observedGeneration: 1, startTime: t, conditions: [{ type: "Running", status: "True", lastTransitionTime: t, reason: "WorkersReady", message: "all workers are running" }] };
    return JSON.parse(JSON.stringify(obj));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Medians of `runs` runs: wall-clock ms, and the process's CPU ms (every thread: the
 * collector's helpers too). On a shared or virtualised machine the two part ways (waiting
 * for a core, the host faulting in fresh heap pages), so both are printed.
 */
function time(runs: number, fn: () => void): { wall: number; cpu: number; windows: [number, number][] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const windows: [number, number][] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    fn();
    const { user, system } = process.cpuUsage(used);
    const end = performance.now();
    wall.push(end - start);
    cpu.push((user + system) / 1000);
    windows.push([start, end]);
  }
  return { wall: median(wall), cpu: median(cpu), windows };
}

/** Median over the runs of the time the main thread spent paused for garbage collection. */
function gcPause(gcs: PerformanceEntry[], windows: [number, number][]): number {
  return median(windows.map(([start, end]) => gcs.filter((e) => e.startTime >= start && e.startTime < end).reduce((sum, e) => sum + e.duration, 0)));
}

/**
 * A copy of decoded JSON, new objects and arrays all the way down, the strings shared: what
 * building the objects a decoder must return costs with no bytes read at all.
 */
function deepCopy(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = deepCopy(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = deepCopy((value as Record<string, unknown>)[key]);
  return out;
}

/** Bytes of heap a decoded value holds (measured after the timings: the collections it forces would disturb them). */
function heldBy(decode: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const value = decode();
  gc();
  const held = process.memoryUsage().heapUsed - before;
  if (value === undefined) throw new Error("nothing decoded");
  return held;
}

export async function benchProtobuf(report: (line: string) => void): Promise<void> {
  const codec = new KindCodec(TrainingJobProtobuf, { apiVersion: "skai.io/v1alpha1", kind: "TrainingJob", listKind: "TrainingJobList" });
  const list = { apiVersion: "skai.io/v1alpha1", kind: "TrainingJobList", metadata: { resourceVersion: "105000" }, items: trainingJobs(5000) };

  let jsonBytes = Buffer.alloc(0);
  let pbBytes: Buffer = Buffer.alloc(0);
  // warm both paths so the JIT has compiled them before the timed runs
  for (let i = 0; i < 3; i++) {
    JSON.parse(Buffer.from(JSON.stringify(list)).toString());
    codec.decode(codec.encodeList(list));
  }
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((entries) => void gcs.push(...entries.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  const jsonEncode = time(7, () => void (jsonBytes = Buffer.from(JSON.stringify(list), "utf8")));
  const jsonDecode = time(7, () => void JSON.parse(jsonBytes.toString("utf8")));
  const pbEncode = time(7, () => void (pbBytes = codec.encodeList(list)));
  const pbDecode = time(7, () => void codec.decode(pbBytes));
  const decoded = codec.decode(pbBytes);
  for (let i = 0; i < 3; i++) deepCopy(decoded);
  const copy = time(7, () => void deepCopy(decoded));

  // the observer hears of collections a little later
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();

  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const row = (what: string, json: number, pb: number, target = "") => `${what}: JSON ${fmt(json)}, protobuf ${fmt(pb)} (${(json / pb).toFixed(2)}x${target})`;
  report(`list of 5,000 TrainingJobs: JSON ${(jsonBytes.length / 1e6).toFixed(2)} MB, protobuf ${(pbBytes.length / 1e6).toFixed(2)} MB (${(jsonBytes.length / pbBytes.length).toFixed(2)}x smaller; target smaller)`);
  report(row("encode", jsonEncode.wall, pbEncode.wall));
  report(row("decode", jsonDecode.wall, pbDecode.wall));
  report(row("encode+decode", jsonEncode.wall + jsonDecode.wall, pbEncode.wall + pbDecode.wall, " faster; target >= 2x"));
  report(row("  the same in process CPU time", jsonEncode.cpu + jsonDecode.cpu, pbEncode.cpu + pbDecode.cpu) + `, decode alone ${(jsonDecode.cpu / pbDecode.cpu).toFixed(2)}x`);
  report(
    `  of which paused for garbage collection: encode JSON ${fmt(gcPause(gcs, jsonEncode.windows))}, protobuf ${fmt(gcPause(gcs, pbEncode.windows))}; ` +
      `decode JSON ${fmt(gcPause(gcs, jsonDecode.windows))}, protobuf ${fmt(gcPause(gcs, pbDecode.windows))}`,
  );
  // The floor under any decoder that returns plain objects: with it, the best encode+decode could do.
  const best = (jsonEncode.wall + jsonDecode.wall) / (pbEncode.wall + copy.wall);
  report(
    `  building the same objects alone (a deep copy of the decoded list, no bytes read): ${fmt(copy.wall)}, of which paused for garbage collection ${fmt(gcPause(gcs, copy.windows))}; ` +
      `protobuf decode spends ${fmt(pbDecode.wall - copy.wall)} beyond it; a decoder costing only the copy would give encode+decode ${best.toFixed(2)}x`,
  );
  const [jsonHeld, pbHeld] = [heldBy(() => JSON.parse(jsonBytes.toString("utf8"))), heldBy(() => codec.decode(pbBytes))];
  report(`  the decoded list holds ${(pbHeld / 1e6).toFixed(1)} MB of heap (JSON.parse's ${(jsonHeld / 1e6).toFixed(1)} MB)`);
}
