/**
 * Issue 3's speed targets, measured side by side in one run against the built
 * SKAI server (apiserver/dist over generated/dist, `npm run build` first) on SQLite:
 * - GET of one object over HTTPS keep-alive vs a bare node https server answering
 *   the same bytes (same load generator in its own process, same connections);
 * - CREATE and LIST (create-list.ts);
 * - 500 watchers on one kind while 200 writes/s flow (watch.ts).
 * Figures and ratios only, never pass/fail. The machine may be shared: read ratios.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { adminAgent, adminCredentials, notebook, request } from "../test/support/admin-http.js";
import { fmt, loadWithServerCpu, startBareServer } from "./support/procs.js";
import { startGeneratedServer, type GeneratedServer } from "../test/support/generated-server.js";
import { benchCreateAndList } from "./create-list.js";
import { benchWatchers } from "./watch.js";

const GROUP = "/apis/skai.io/v1alpha1";

export async function benchServer(report: (line: string) => void): Promise<void> {
  const started = performance.now();
  const server = await startGeneratedServer();
  try {
    await benchGet(server, report);
    await benchCreateAndList(server, report);
  } finally {
    await server.stop({ cleanup: true });
  }
  await benchWatchers(report);
  report(`(server section took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

/** GET one object: generated server vs bare https with the same bytes, interleaved rounds. */
export async function benchGet(server: GeneratedServer, report: (line: string) => void, connections = 16): Promise<void> {
  const agent = adminAgent(server.dir);
  const creds = adminCredentials(server.dir);
  const created = await request(`${server.url}${GROUP}/namespaces/get/notebooks`, { method: "POST", body: notebook("one", "get"), agent });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
  const objPath = `${GROUP}/namespaces/get/notebooks/one`;
  const got = await request(`${server.url}${objPath}`, { agent });
  agent.destroy();
  const certs = path.join(server.dir, "certs");
  const bare = await startBareServer({
    cert: readFileSync(path.join(certs, "apiserver.crt"), "utf8"),
    key: readFileSync(path.join(certs, "apiserver.key"), "utf8"),
    ca: creds.ca,
    body: got.text,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Audit-ID": "00000000-0000-0000-0000-000000000000" },
  });
  try {
    const load = (port: number, pid: number) =>
      loadWithServerCpu(pid, { host: "127.0.0.1", port, ...creds, connections, warmupMs: 800, durationMs: 3000, method: "GET", path: objPath });
    const ours: number[] = [];
    const base: number[] = [];
    const oursCpu: number[] = [];
    const baseCpu: number[] = [];
    const lines: string[] = [];
    for (let round = 0; round < 2; round++) {
      const g = await load(server.port, server.child.pid!);
      const b = await load(bare.port, bare.pid);
      oursCpu.push(g.serverCpuUsPerRequest);
      baseCpu.push(b.serverCpuUsPerRequest);
      if (Object.keys(g.statuses).some((s) => s !== "200")) throw new Error(`GET statuses ${JSON.stringify(g.statuses)}`);
      ours.push(g.rps);
      base.push(b.rps);
      lines.push(
        `  round ${round + 1}: generated ${fmt(g.rps)} req/s (p50 ${fmt(g.p50us)} µs, p99 ${fmt(g.p99us)} µs, server CPU ${fmt(g.serverCpuUsPerRequest)} µs/req, load generator ${fmt(g.clientCpu * 100)}% of a core); ` +
          `bare ${fmt(b.rps)} req/s (p50 ${fmt(b.p50us)} µs, p99 ${fmt(b.p99us)} µs, server CPU ${fmt(b.serverCpuUsPerRequest)} µs/req, load generator ${fmt(b.clientCpu * 100)}% of a core)`,
      );
    }
    const g = Math.max(...ours);
    const b = Math.max(...base);
    report(`GET one object (${got.text.length} B), HTTPS keep-alive, ${connections} connections: generated ${fmt(g)} req/s vs bare https ${fmt(b)} req/s = ${fmt((g / b) * 100)}% (target >= 50%)`);
    const gc = Math.min(...oursCpu);
    const bc = Math.min(...baseCpu);
    report(`  server CPU per request (best round; robust to a busy machine): generated ${fmt(gc)} µs vs bare ${fmt(bc)} µs = ${fmt((bc / gc) * 100)}% of bare's throughput per core`);
    for (const l of lines) report(l);
  } finally {
    await bare.stop();
  }
}
