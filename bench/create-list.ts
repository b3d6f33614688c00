/**
 * CREATE and LIST on SQLite, side by side with what the machine does without the server:
 * - CREATE with 16 concurrent clients (objects/s) vs raw better-sqlite3 inserts with
 *   the same durability (WAL, synchronous=FULL, one transaction each): group commit lets
 *   the server beat them while its CPU time per create stays below one fsync; measured
 *   from a cold create path (as ever) and again once V8 has compiled it, and as instructions
 *   per create under callgrind, which the machine's load does not move;
 * - LIST of 5,000 ~1 KB objects vs JSON.stringify of the same list, and vs a bare node https
 *   server sending the same bytes.
 */
import https from "node:https";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { benchRawSqliteInserts } from "./support/storage-helpers.js";
import { adminCredentials, notebook, request } from "../test/support/admin-http.js";
import { cpuSeconds, fmt, loadWithServerCpu, minorFaults, runLoadProcess, startBareServer } from "./support/procs.js";
import { callgrindMissing, countInstructions } from "./support/instructions.js";
import { startGeneratedServer, type GeneratedServer } from "../test/support/generated-server.js";

const GROUP = "/apis/skai.io/v1alpha1";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCreateAndList(server: GeneratedServer, report: (line: string) => void): Promise<void> {
  const creds = adminCredentials(server.dir);
  const N = 5000;
  const creates = async (namespace: string) => {
    // ~1 KB stored objects: the server adds uid, timestamps, managedFields (~400 B).
    const template = JSON.stringify(notebook("nb-{{i}}", namespace, { padTo: 620 }));
    const faults0 = minorFaults(server.child.pid!);
    const r = await loadWithServerCpu(server.child.pid!, {
      host: "127.0.0.1",
      port: server.port,
      ...creds,
      connections: 16,
      warmupMs: 0,
      durationMs: 120_000,
      maxRequests: N,
      method: "POST",
      path: `${GROUP}/namespaces/${namespace}/notebooks`,
      body: template,
    });
    if (r.statuses["201"] !== N) throw new Error(`creates: ${JSON.stringify(r.statuses)}`);
    return { ...r, faultsPerCreate: (minorFaults(server.child.pid!) - faults0) / N };
  };
  const create = await creates("list");
  // The same again once the create path is compiled (the first run pays V8's warm-up; the GET row warms up too).
  const warm = await creates("warm");

  // The raw rows are as long as the objects the server stored.
  const stored = await request(`${server.url}${GROUP}/namespaces/list/notebooks/nb-0`, { agent: new https.Agent(creds) });
  if (stored.status !== 200) throw new Error(`get nb-0: ${stored.status}`);
  const storedBytes = Buffer.byteLength(stored.text);
  const rawDir = mkdtempSync(path.join(tmpdir(), "skai-bench-raw-"));
  let raw;
  try {
    raw = benchRawSqliteInserts(path.join(rawDir, "raw.db"), 2000, storedBytes);
  } finally {
    rmSync(rawDir, { recursive: true, force: true });
  }
  report(
    `CREATE on SQLite, 16 concurrent clients, ${N} objects: ${fmt(create.rps)} objects/s (p50 ${fmt(create.p50us / 1000, 1)} ms, p99 ${fmt(create.p99us / 1000, 1)} ms, server CPU ${fmt(create.serverCpuUsPerRequest)} µs/create, ${fmt(create.faultsPerCreate, 1)} page faults per create)`,
  );
  report(
    `  raw better-sqlite3 inserts of ${fmt(storedBytes)} B values (a stored object's size), WAL + synchronous=FULL, one transaction each: ${fmt(raw.opsPerSecond)} rows/s (${fmt(1e6 / raw.opsPerSecond)} µs/row, ${fmt(raw.cpuUsPerOp)} µs of it CPU, the rest waiting for the disk); server = ${fmt((create.rps / raw.opsPerSecond) * 100)}% of raw (target >= 100%: group commit wins when the server's CPU per create is below raw's time per row)`,
  );
  report(
    `  the same ${N} creates again, the server warm: ${fmt(warm.rps)} objects/s (p50 ${fmt(warm.p50us / 1000, 1)} ms, server CPU ${fmt(warm.serverCpuUsPerRequest)} µs/create, ${fmt(warm.faultsPerCreate, 1)} page faults per create) = ${fmt((warm.rps / raw.opsPerSecond) * 100)}% of raw`,
  );

  report(await createInstructionsLine());

  await benchList(server, report);
}

/** Creates per uncounted round and uncounted rounds (V8 compiles the path meanwhile), then the counted round's. */
const WARMUP_CREATES = 400;
const WARMUP_ROUNDS = 12;
const COUNTED_CREATES = 2000;

/**
 * The same creates (16 connections, ~1 KB objects, SQLite) as instructions per create, the
 * server under callgrind. Each round's load process opens its 16 connections anew, so the
 * count includes their TLS handshakes, spread over the counted round's creates.
 */
async function createInstructionsLine(): Promise<string> {
  const missing = callgrindMissing();
  if (missing) return `  instructions per create: not measured, ${missing}`;
  let round = 0;
  try {
    const count = await countInstructions(
      "create",
      (wrapper) => startGeneratedServer({ wrapper }),
      async (server) => {
        const creates = round < WARMUP_ROUNDS ? WARMUP_CREATES : COUNTED_CREATES;
        const namespace = `counted-${round++}`;
        const r = await runLoadProcess({
          host: "127.0.0.1",
          port: server.port,
          ...adminCredentials(server.dir),
          connections: 16,
          warmupMs: 0,
          durationMs: 600_000,
          maxRequests: creates,
          method: "POST",
          path: `${GROUP}/namespaces/${namespace}/notebooks`,
          body: JSON.stringify(notebook("nb-{{i}}", namespace, { padTo: 620 })),
        });
        if (r.statuses["201"] !== creates) throw new Error(`creates under callgrind: ${JSON.stringify(r.statuses)}`);
        return creates;
      },
      WARMUP_ROUNDS,
    );
    return (
      `  instructions per create (callgrind, ${fmt(count.requests)} creates after ${fmt(count.warmupRequests)} uncounted, 16 new connections' TLS handshakes included): ` +
      `${fmt(count.perRequest)} (V8's collector and compiler apart: ${fmt(count.gcAndCompilerPerRequest)})`
    );
  } catch (err) {
    return `  instructions per create: not measured: ${(err as Error).message.split("\n")[0]}`;
  }
}

/**
 * LIST: the whole response body over HTTPS (read, not parsed) vs JSON.stringify of the same
 * list, with a bare node https server sending the same bytes to the same client beside it
 * (interleaved rounds), and the CPU time each server spent per list.
 */
async function benchList(server: GeneratedServer, report: (line: string) => void): Promise<void> {
  const creds = adminCredentials(server.dir);
  const agent = new https.Agent({ keepAlive: true, ...creds });
  const url = `${server.url}${GROUP}/namespaces/list/notebooks`;
  const t0 = performance.now();
  const first = await request(url, { agent });
  const firstMs = performance.now() - t0;
  if (first.status !== 200) throw new Error(`list: ${first.status}`);
  const body = first.text;
  const bodyDir = mkdtempSync(path.join(tmpdir(), "skai-bench-list-"));
  const bodyFile = path.join(bodyDir, "list.json");
  writeFileSync(bodyFile, body);
  const certs = path.join(server.dir, "certs");
  const bare = await startBareServer({
    cert: readFileSync(path.join(certs, "apiserver.crt"), "utf8"),
    key: readFileSync(path.join(certs, "apiserver.key"), "utf8"),
    ca: creds.ca,
    bodyFile,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-cache, private" },
  });
  const bareAgent = new https.Agent({ keepAlive: true, ...creds });
  const bareUrl = `https://127.0.0.1:${bare.port}${GROUP}/namespaces/list/notebooks`;
  // One list: its wall time at the client and the CPU time the serving process spent on it.
  const timedList = async (target: string, targetAgent: https.Agent, pid: number) => {
    const c0 = cpuSeconds(pid);
    const t = performance.now();
    const r = await request(target, { agent: targetAgent });
    const ms = performance.now() - t;
    if (r.status !== 200 || r.text.length !== body.length) throw new Error(`list from ${target}: ${r.status}, ${r.text.length} characters`);
    return { ms, cpuMs: (cpuSeconds(pid) - c0) * 1000 };
  };
  // Seven lists as ever (the first, then six repeats), each repeat followed by one from the bare server.
  const repeats = 6;
  const listTimes = [firstMs];
  const bareTimes: number[] = [];
  let serverCpuMs = 0;
  let bareCpuMs = 0;
  try {
    await request(bareUrl, { agent: bareAgent }); // its handshake, as the server's was in the first list
    for (let i = 0; i < repeats; i++) {
      const ours = await timedList(url, agent, server.child.pid!);
      const theirs = await timedList(bareUrl, bareAgent, bare.pid);
      listTimes.push(ours.ms);
      bareTimes.push(theirs.ms);
      serverCpuMs += ours.cpuMs;
      bareCpuMs += theirs.cpuMs;
    }
  } finally {
    agent.destroy();
    bareAgent.destroy();
    await bare.stop();
    rmSync(bodyDir, { recursive: true, force: true });
  }
  const list = JSON.parse(body);
  const items = list.items.length;
  const stringifyTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    JSON.stringify(list);
    stringifyTimes.push(performance.now() - t);
  }
  const l = median(listTimes);
  const b = median(bareTimes);
  const s = median(stringifyTimes);
  report(
    `LIST ${items} objects (${fmt(body.length / items)} B each, ${fmt(body.length / 1e6, 1)} MB): server ${fmt(l, 1)} ms (first ${fmt(firstMs, 1)} ms) vs JSON.stringify ${fmt(s, 1)} ms = ${fmt(l / s, 2)}x (target <= 3x; the server time includes TLS and the transfer)`,
  );
  report(
    `  bare node https sending the same bytes to the same client: ${fmt(b, 1)} ms = ${fmt(b / s, 2)}x JSON.stringify; server / bare = ${fmt(l / b, 2)}x; server CPU per repeated list ${fmt(serverCpuMs / repeats, 1)} ms vs bare ${fmt(bareCpuMs / repeats, 1)} ms`,
  );
}
