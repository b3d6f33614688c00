/**
 * Informer sync over N Notebooks (default 10,000) against the generated server
 * (child process, SQLite): time from start() to hasSynced, and the heap the
 * cache holds against the JSON size of the objects.
 * Run: node --expose-gc --import tsx test/client/informer.bench.ts [N]
 */
import { SkaiClient } from "../../generated/src/client/index.js";
import type { Notebook } from "../../generated/src/skai.io/v1alpha1/types.js";
import { sample } from "./helpers/samples.js";
import { ServerProcess } from "./helpers/server.js";

const N = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const server = await ServerProcess.start();
const client = new SkaiClient(server.kubeconfig);
try {
  const ns = "bench";
  const nbs = client.skaiV1alpha1.notebooks(ns);
  const base = sample("notebook", "x") as unknown as Notebook;
  const t0 = Date.now();
  for (let i = 0; i < N; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, N - i) }, (_, j) =>
        nbs.create({ ...base, metadata: { name: `nb-${String(i + j).padStart(5, "0")}`, labels: { ...base.metadata.labels, shard: String((i + j) % 10) } } }),
      ),
    );
  }
  console.log(`created ${N} notebooks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // The objects' JSON size, as the server sends them.
  let jsonBytes = 0;
  for await (const nb of nbs.listAll()) jsonBytes += Buffer.byteLength(JSON.stringify(nb));

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const informer = client.informers.skaiV1alpha1.notebooks({ namespace: ns });
  const start = performance.now();
  informer.start();
  await informer.waitForSync();
  const syncMs = performance.now() - start;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const held = heapAfter - heapBefore;
  console.log(`informer synced ${informer.lister.list().length} notebooks in ${(syncMs / 1000).toFixed(2)} s`);
  console.log(`objects JSON ${(jsonBytes / 1e6).toFixed(1)} MB; heap held by the cache ${(held / 1e6).toFixed(1)} MB = ${(held / jsonBytes).toFixed(2)}x JSON`);
  informer.stop();
} finally {
  client.close();
  await server.stop();
}
