/**
 * Issue 6's etcd target, measured side by side in one run on a real single-member etcd
 * (test/support/etcd.ts) on this machine:
 * - CREATE through the generated server on `etcd://` with 32 concurrent clients
 *   (objects/s) vs raw `etcd3` puts of the same size at the same concurrency.
 * Beside it, where a create's cost goes: the etcd calls per create (etcd's own /metrics)
 * and CPU per operation of the server, of etcd and of the raw-put client, since both
 * sides share this machine's cores with etcd; and the same creates on `memory:` storage,
 * whose server CPU is a create's cost without any storage I/O (the rest is etcd's share).
 * Figures and ratios only, never pass/fail. The machine may be shared: read ratios.
 * BENCH_ETCD_CPU_PROF=<dir>: the server writes a CPU profile of its serving thread there.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Etcd3 } from "etcd3";
import { adminCredentials, notebook } from "../test/support/admin-http.js";
import { cpuProfileNodeOptions } from "./support/cpu-profile.js";
import { withNodeOptions } from "./support/node-options.js";
import { cpuSeconds, fmt, loadWithServerCpu } from "./support/procs.js";
import { startEtcd } from "../test/support/etcd.js";
import { startGeneratedServer } from "../test/support/generated-server.js";

const CONCURRENCY = 32;
const N = 4000;

/** `n` puts of `value` by `concurrency` workers through one etcd3 client; puts per second and this process's CPU per put. */
async function rawPuts(hosts: string[], value: string, n: number, concurrency: number): Promise<{ rps: number; clientCpuUs: number }> {
  const client = new Etcd3({ hosts });
  try {
    await client.put("/bench/warmup").value(value);
    let next = 0;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) await client.put(`/bench/raw/${i}`).value(value);
      }),
    );
    const rps = n / ((performance.now() - t0) / 1000);
    const used = process.cpuUsage(cpu);
    return { rps, clientCpuUs: (used.user + used.system) / n };
  } finally {
    client.close();
  }
}

/** etcd's count of finished unary calls per method (`grpc_server_handled_total`). */
async function unaryCalls(clientUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${clientUrl}/metrics`)).text();
  const calls = new Map<string, number>();
  for (const m of text.matchAll(/^grpc_server_handled_total\{[^}]*grpc_method="(\w+)"[^}]*grpc_type="unary"\} (\S+)$/gm)) {
    calls.set(m[1]!, (calls.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return calls;
}

/** "Txn 1.00, Range 0.01": calls per operation between two readings. */
function callsPer(before: Map<string, number>, after: Map<string, number>, ops: number): string {
  const per = [...after].map(([method, n]) => [method, (n - (before.get(method) ?? 0)) / ops] as const).filter(([, n]) => n >= 0.005);
  return per.map(([method, n]) => `${method} ${fmt(n, 2)}`).join(", ") || "none";
}

/**
 * `rounds` x `N` creates by `CONCURRENCY` clients against one fresh generated server on
 * `storage`, with its CPU per create and `otherCpu`'s (etcd's): the first round also pays V8
 * compiling the create path, the next ones are the steady state.
 */
async function createLoad(storage: string, rounds: number, nodeOptions = "", otherCpu?: () => number) {
  const server = await withNodeOptions(nodeOptions, () => startGeneratedServer({ storage }));
  try {
    const results = [];
    for (let round = 0; round < rounds; round++) {
      const namespace = `bench-${round}`;
      const other0 = otherCpu?.();
      const create = await loadWithServerCpu(server.child.pid!, {
        host: "127.0.0.1",
        port: server.port,
        ...adminCredentials(server.dir),
        connections: CONCURRENCY,
        warmupMs: 0,
        durationMs: 120_000,
        maxRequests: N,
        method: "POST",
        path: `/apis/skai.io/v1alpha1/namespaces/${namespace}/notebooks`,
        body: JSON.stringify(notebook("nb-{{i}}", namespace, { padTo: 620 })),
      });
      if (create.statuses["201"] !== N) throw new Error(`creates on ${storage}: ${JSON.stringify(create.statuses)}`);
      results.push({ ...create, otherCpuUsPerCreate: other0 === undefined ? NaN : ((otherCpu!() - other0) * 1e6) / N });
    }
    return results;
  } finally {
    await server.stop({ cleanup: true });
  }
}

export async function benchEtcd(report: (line: string) => void): Promise<void> {
  const started = performance.now();
  const etcd = await startEtcd(1);
  const member = etcd.members[0]!;
  const etcdCpu = () => cpuSeconds(member.pid!);
  try {
    const prof = process.env.BENCH_ETCD_CPU_PROF;
    const calls0 = await unaryCalls(member.clientUrl);
    const [create, warm] = await createLoad(etcd.spec, 2, prof ? cpuProfileNodeOptions(path.resolve(prof)) : "", etcdCpu);
    const calls = callsPer(calls0, await unaryCalls(member.clientUrl), 2 * N);
    // ~1 KB values, like the stored objects (the server adds uid, timestamps, managedFields).
    const etcd1 = etcdCpu();
    const raw = await rawPuts(etcd.clientUrls, "x".repeat(1000), N, CONCURRENCY);
    const etcdCpuPerPut = ((etcdCpu() - etcd1) * 1e6) / N;
    // The same creates with no storage I/O at all: what a create costs the server before etcd.
    const [memory, memoryWarm] = await createLoad("memory:", 2);
    report(
      `CREATE on etcd, ${CONCURRENCY} concurrent clients, ${N} objects: ${fmt(create.rps)} objects/s (p50 ${fmt(create.p50us / 1000, 1)} ms, p99 ${fmt(create.p99us / 1000, 1)} ms)`,
    );
    report(`  raw etcd3 puts, ~1 KB, ${CONCURRENCY} concurrent: ${fmt(raw.rps)} puts/s; server = ${fmt((create.rps / raw.rps) * 100)}% of raw (target >= 60%)`);
    report(
      `  the same ${N} creates again, the server warm: ${fmt(warm!.rps)} objects/s (p50 ${fmt(warm!.p50us / 1000, 1)} ms) = ${fmt((warm!.rps / raw.rps) * 100)}% of raw`,
    );
    report(`  etcd calls per create: ${calls}`);
    report(
      `  CPU per create, cold / warm: server ${fmt(create.serverCpuUsPerRequest)} / ${fmt(warm!.serverCpuUsPerRequest)} us, etcd ${fmt(create.otherCpuUsPerCreate)} / ${fmt(warm!.otherCpuUsPerCreate)} us; per raw put: client ${fmt(raw.clientCpuUs)} us, etcd ${fmt(etcdCpuPerPut)} us`,
    );
    report(
      `  the same creates on memory: storage, cold / warm: ${fmt(memory!.rps)} / ${fmt(memoryWarm!.rps)} objects/s, server CPU ${fmt(memory!.serverCpuUsPerRequest)} / ${fmt(memoryWarm!.serverCpuUsPerRequest)} us per create; ` +
        `etcd's share of the server's: ${fmt(create.serverCpuUsPerRequest - memory!.serverCpuUsPerRequest)} / ${fmt(warm!.serverCpuUsPerRequest - memoryWarm!.serverCpuUsPerRequest)} us`,
    );
  } finally {
    await etcd.stop();
  }
  report(`(etcd section took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
