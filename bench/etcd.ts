/**
 * Issue 6's etcd target, measured side by side in one run on a real single-member etcd
 * (test/support/etcd.ts) on this machine:
 * - CREATE through the generated server on `etcd://` with 32 concurrent clients
 *   (objects/s) vs raw `etcd3` puts of the same size at the same concurrency.
 * Figures and ratios only, never pass/fail. The machine may be shared: read ratios.
 */
import { performance } from "node:perf_hooks";
import { Etcd3 } from "etcd3";
import { adminCredentials, notebook } from "../test/support/admin-http.js";
import { fmt, runLoadProcess } from "./support/procs.js";
import { startEtcd } from "../test/support/etcd.js";
import { startGeneratedServer } from "../test/support/generated-server.js";

const CONCURRENCY = 32;
const N = 4000;

/** `n` puts of `value` by `concurrency` workers through one etcd3 client; puts per second. */
async function rawPuts(hosts: string[], value: string, n: number, concurrency: number): Promise<number> {
  const client = new Etcd3({ hosts });
  try {
    await client.put("/bench/warmup").value(value);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) await client.put(`/bench/raw/${i}`).value(value);
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  } finally {
    client.close();
  }
}

export async function benchEtcd(report: (line: string) => void): Promise<void> {
  const started = performance.now();
  const etcd = await startEtcd(1);
  try {
    const server = await startGeneratedServer({ storage: etcd.spec });
    let create;
    const template = JSON.stringify(notebook("nb-{{i}}", "bench", { padTo: 620 }));
    try {
      create = await runLoadProcess({
        host: "127.0.0.1",
        port: server.port,
        ...adminCredentials(server.dir),
        connections: CONCURRENCY,
        warmupMs: 0,
        durationMs: 120_000,
        maxRequests: N,
        method: "POST",
        path: "/apis/skai.io/v1alpha1/namespaces/bench/notebooks",
        body: template,
      });
    } finally {
      await server.stop({ cleanup: true });
    }
    if (create.statuses["201"] !== N) throw new Error(`creates: ${JSON.stringify(create.statuses)}`);
    // ~1 KB values, like the stored objects (the server adds uid, timestamps, managedFields).
    const raw = await rawPuts(etcd.clientUrls, "x".repeat(1000), N, CONCURRENCY);
    report(
      `CREATE on etcd, ${CONCURRENCY} concurrent clients, ${N} objects: ${fmt(create.rps)} objects/s (p50 ${fmt(create.p50us / 1000, 1)} ms, p99 ${fmt(create.p99us / 1000, 1)} ms)`,
    );
    report(`  raw etcd3 puts, ~1 KB, ${CONCURRENCY} concurrent: ${fmt(raw)} puts/s; server = ${fmt((create.rps / raw) * 100)}% of raw (target >= 60%)`);
  } finally {
    await etcd.stop();
  }
  report(`(etcd section took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
