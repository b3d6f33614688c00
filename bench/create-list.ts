/**
 * CREATE and LIST on SQLite, side by side with what the machine does without the server:
 * - CREATE with 16 concurrent clients (objects/s) vs raw better-sqlite3 inserts with
 *   the same durability (WAL, synchronous=FULL, one transaction each): group commit lets
 *   the server beat them while its CPU time per create stays below one fsync;
 * - LIST of 5,000 ~1 KB objects vs JSON.stringify of the same list.
 */
import https from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { benchRawSqliteInserts } from "./support/storage-helpers.js";
import { adminCredentials, notebook, request } from "../test/support/admin-http.js";
import { fmt, loadWithServerCpu } from "./support/procs.js";
import type { GeneratedServer } from "../test/support/generated-server.js";

const GROUP = "/apis/skai.io/v1alpha1";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCreateAndList(server: GeneratedServer, report: (line: string) => void): Promise<void> {
  const creds = adminCredentials(server.dir);
  const N = 5000;
  // ~1 KB stored objects: the server adds uid, timestamps, managedFields (~400 B).
  const template = JSON.stringify(notebook("nb-{{i}}", "list", { padTo: 620 }));
  const create = await loadWithServerCpu(server.child.pid!, {
    host: "127.0.0.1",
    port: server.port,
    ...creds,
    connections: 16,
    warmupMs: 0,
    durationMs: 120_000,
    maxRequests: N,
    method: "POST",
    path: `${GROUP}/namespaces/list/notebooks`,
    body: template,
  });
  if (create.statuses["201"] !== N) throw new Error(`creates: ${JSON.stringify(create.statuses)}`);

  const rawDir = mkdtempSync(path.join(tmpdir(), "skai-bench-raw-"));
  let raw;
  try {
    raw = benchRawSqliteInserts(path.join(rawDir, "raw.db"), 2000);
  } finally {
    rmSync(rawDir, { recursive: true, force: true });
  }
  report(
    `CREATE on SQLite, 16 concurrent clients, ${N} objects: ${fmt(create.rps)} objects/s (p50 ${fmt(create.p50us / 1000, 1)} ms, p99 ${fmt(create.p99us / 1000, 1)} ms, server CPU ${fmt(create.serverCpuUsPerRequest)} µs/create)`,
  );
  report(
    `  raw better-sqlite3 inserts, WAL + synchronous=FULL, one transaction each: ${fmt(raw.opsPerSecond)} rows/s (${fmt(1e6 / raw.opsPerSecond)} µs/row); server = ${fmt((create.rps / raw.opsPerSecond) * 100)}% of raw (target >= 100%)`,
  );

  // LIST: the whole response body over HTTPS (not parsed) vs JSON.stringify of the same list.
  const agent = new https.Agent({ keepAlive: true, ...creds });
  const url = `${server.url}${GROUP}/namespaces/list/notebooks`;
  const listTimes: number[] = [];
  let body = "";
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const r = await request(url, { agent });
    listTimes.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`list: ${r.status}`);
    body = r.text;
  }
  agent.destroy();
  const list = JSON.parse(body);
  const items = list.items.length;
  const stringifyTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    JSON.stringify(list);
    stringifyTimes.push(performance.now() - t0);
  }
  const l = median(listTimes);
  const s = median(stringifyTimes);
  report(
    `LIST ${items} objects (${fmt(body.length / items)} B each, ${fmt(body.length / 1e6, 1)} MB): server ${fmt(l, 1)} ms (first ${fmt(listTimes[0]!, 1)} ms) vs JSON.stringify ${fmt(s, 1)} ms = ${fmt(l / s, 2)}x (target <= 3x; the server time includes TLS and the transfer)`,
  );
}
