/**
 * Issue 5's speed targets, against the built generated server (SQLite) and the
 * built client (`@skai/api/client`, generated/dist + runtime/dist):
 * - per-request overhead of SkaiClient.get over a raw keep-alive https.get +
 *   JSON.parse of the same URL, same credentials (wall and this process's CPU
 *   time per request; the server runs in another process). Raw `fetch` cannot
 *   present the kubeconfig's client certificate without undici's Agent (not a
 *   dependency here), so raw https is the baseline;
 * - an informer over 10,000 Notebooks: time from start() to synced, and the heap
 *   its cache holds vs the JSON size of the objects.
 */
import https from "node:https";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { SkaiClient } from "@skai/api/client";
import { adminAgent, adminCredentials, notebook, request } from "../test/support/admin-http.js";
import { fmt, runLoadProcess } from "./support/procs.js";
import { startGeneratedServer, type GeneratedServer } from "../test/support/generated-server.js";

export async function benchClient(report: (line: string) => void): Promise<void> {
  const server = await startGeneratedServer();
  try {
    await overhead(server, report);
    await informer(server, report, 10_000);
  } finally {
    await server.stop({ cleanup: true });
  }
}

async function overhead(server: GeneratedServer, report: (line: string) => void, n = 1000, rounds = 6): Promise<void> {
  const client = new SkaiClient(server.kubeconfig);
  const nbs = client.skaiV1alpha1.notebooks("bench");
  await nbs.create(notebook("x", "bench"));
  const agent = adminAgent(server.dir, { maxSockets: 1 });
  const rawGet = () =>
    new Promise<unknown>((resolve, reject) => {
      https
        .get(`${server.url}/apis/skai.io/v1alpha1/namespaces/bench/notebooks/x`, { agent, headers: { Accept: "application/json" } }, (res) => {
          res.setEncoding("utf8");
          let s = "";
          res.on("data", (c: string) => (s += c));
          res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(s)) : reject(new Error(`HTTP ${res.statusCode}`))));
        })
        .on("error", reject);
    });
  const clientGet = () => nbs.get("x");
  for (let i = 0; i < 300; i++) await rawGet(), await clientGet(); // warm-up: JIT and connections
  const samples = { raw: { wall: [] as number[], cpu: [] as number[] }, client: { wall: [] as number[], cpu: [] as number[] } };
  for (let round = 0; round < rounds; round++) {
    // Interleaved rounds spread the noise of a shared machine over both.
    for (const [name, fn] of [["raw", rawGet], ["client", clientGet]] as const) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await fn();
      samples[name].wall.push(((performance.now() - t0) * 1000) / n);
      const c = process.cpuUsage(c0);
      samples[name].cpu.push((c.user + c.system) / n);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r = { wall: med(samples.raw.wall), cpu: med(samples.raw.cpu) };
  const k = { wall: med(samples.client.wall), cpu: med(samples.client.cpu) };
  report(
    `client GET, one connection, sequential: raw https.get + JSON.parse ${fmt(r.wall)} µs/req vs SkaiClient.get ${fmt(k.wall)} µs/req: overhead ${fmt(((k.wall - r.wall) / r.wall) * 100, 1)}% wall (target < 10%)`,
  );
  report(`  client-side CPU per request: raw ${fmt(r.cpu, 1)} µs vs SkaiClient ${fmt(k.cpu, 1)} µs (+${fmt(((k.cpu - r.cpu) / r.cpu) * 100, 1)}%); the server runs in its own process`);
  agent.destroy();
  client.close();
}

async function informer(server: GeneratedServer, report: (line: string) => void, n: number): Promise<void> {
  const creds = adminCredentials(server.dir);
  const ns = "inf";
  const t0 = performance.now();
  const created = await runLoadProcess({
    host: "127.0.0.1",
    port: server.port,
    ...creds,
    connections: 16,
    warmupMs: 0,
    durationMs: 300_000,
    maxRequests: n,
    method: "POST",
    path: `/apis/skai.io/v1alpha1/namespaces/${ns}/notebooks`,
    body: JSON.stringify(notebook("nb-{{i}}", ns, { labels: { shard: "s" } })),
  });
  if (created.statuses["201"] !== n) throw new Error(`creates: ${JSON.stringify(created.statuses)}`);
  const createdIn = (performance.now() - t0) / 1000;

  // The objects' JSON size, as the server sends them.
  const agent = adminAgent(server.dir);
  const list = await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/${ns}/notebooks`, { agent });
  agent.destroy();
  let jsonBytes = 0;
  for (const item of list.json().items) jsonBytes += Buffer.byteLength(JSON.stringify(item));

  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const client = new SkaiClient(server.kubeconfig);
  try {
    gc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const inf = client.informers.skaiV1alpha1.notebooks({ namespace: ns });
    const start = performance.now();
    inf.start();
    await inf.waitForSync();
    const syncMs = performance.now() - start;
    const count = inf.lister.list().length;
    gc();
    gc();
    const held = process.memoryUsage().heapUsed - heapBefore;
    report(`INFORMER over ${fmt(count)} Notebooks (created in ${fmt(createdIn, 1)} s): synced in ${fmt(syncMs / 1000, 2)} s (target < 3 s)`);
    report(`  heap held ${fmt(held / 1e6, 1)} MB vs objects' JSON ${fmt(jsonBytes / 1e6, 1)} MB = ${fmt(held / jsonBytes, 2)}x (target < 2x)`);
    inf.stop();
  } finally {
    client.close();
  }
}
