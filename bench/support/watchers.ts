/**
 * Many watchers in their own process, for the watch fan-out benchmark:
 *
 *   node --import tsx bench/support/watchers.ts '<json WatchersConfig>'
 *
 * Opens `watchers` watch streams (one TLS connection each), prints `READY`
 * once every stream has its 200, and records the wall-clock arrival time of
 * every event per object name. The parent then writes, on stdin, one JSON
 * line mapping name -> wall-clock time of the write's acknowledgement; this
 * process answers with one JSON line (WatchersResult): latencies from
 * acknowledgement to arrival over every (watcher, event) pair, once every
 * watcher has every acknowledged event, or nothing arrived for SETTLE_MS (an
 * event lost, or a watcher ended: `received` tells). The parent may run more
 * rounds on the same streams (new names, another line); closing stdin ends it.
 */
import type { ClientRequest } from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";

export interface WatchersConfig {
  host: string;
  port: number;
  ca: string;
  cert: string;
  key: string;
  /** Path with the query, e.g. /apis/skai.io/v1alpha1/namespaces/w/notebooks?watch=1&resourceVersion=5 */
  path: string;
  watchers: number;
}

export interface WatchersResult {
  /** (watcher, event) pairs expected: acknowledged writes x watchers. */
  expected: number;
  received: number;
  p50ms: number;
  p99ms: number;
  maxms: number;
  /** p99 of the writes acknowledged in each second of the round: where a new process's warm-up ends. */
  p99BySecondMs: number[];
  /** Events that arrived before their write's acknowledgement (negative latency). */
  beforeAck: number;
  /** Events per stream that were not for a written name (e.g. bookmarks). */
  other: number;
  clientCpu: number;
  /** Minor page faults the watchers' process took in the round (memory touched the first time). */
  clientFaults: number;
}

const now = () => performance.timeOrigin + performance.now();

const NEWLINE = 0x0a;
const NAME = Buffer.from('"name":"');
const QUOTE = 0x22;

/** One name's arrival times, one per watcher. */
interface Arrivals {
  times: Float64Array;
  count: number;
}

const arrivalsOf = (seen: Arrivals | undefined): Float64Array => seen?.times.subarray(0, seen.count) ?? new Float64Array(0);

/** How long the arrivals may pause before the answer counts what came (a server starved on a busy machine pauses for seconds). */
const SETTLE_MS = 10_000;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const cfg = JSON.parse(process.argv[2]!) as WatchersConfig;
  const agent = new https.Agent({ keepAlive: false, maxSockets: Infinity, ca: cfg.ca, cert: cfg.cert, key: cfg.key });
  /** name -> arrival times (one per watcher that saw it), in arrays made once per name: the client's own garbage would pause its reading. */
  const arrivals = new Map<string, Arrivals>();
  let other = 0;
  let open = 0;
  let lastArrival = now();
  const requests: ClientRequest[] = [];
  const cpu0 = process.cpuUsage();
  let roundFaults = process.resourceUsage().minorPageFault;
  const t0 = now();
  for (let i = 0; i < cfg.watchers; i++) {
    const req = https.get({ host: cfg.host, port: cfg.port, path: cfg.path, agent, servername: "localhost", headers: { Accept: "application/json" } }, (res) => {
      if (res.statusCode !== 200) {
        process.stderr.write(`watch ${i}: HTTP ${res.statusCode}\n`);
        process.exit(1);
      }
      if (++open === cfg.watchers) process.stdout.write("READY\n");
      let rest: Buffer | undefined;
      res.on("data", (chunk: Buffer) => {
        const t = now();
        const bytes = rest ? Buffer.concat([rest, chunk]) : chunk;
        let from = 0;
        for (let nl = bytes.indexOf(NEWLINE, from); nl >= 0; nl = bytes.indexOf(NEWLINE, from)) {
          // The object's metadata.name is the first "name" of the event line.
          const at = bytes.indexOf(NAME, from);
          if (at >= 0 && at < nl) {
            const start = at + NAME.length;
            const name = bytes.toString("latin1", start, bytes.indexOf(QUOTE, start));
            let seen = arrivals.get(name);
            if (!seen) arrivals.set(name, (seen = { times: new Float64Array(cfg.watchers), count: 0 }));
            // More arrivals than watchers (a duplicate) still count: `received` tells.
            if (seen.count === seen.times.length) seen.times = Float64Array.from({ length: 2 * seen.count }, (_, k) => seen!.times[k] ?? 0);
            seen.times[seen.count++] = t;
            lastArrival = t;
          } else other++;
          from = nl + 1;
        }
        rest = from < bytes.length ? bytes.subarray(from) : undefined;
      });
    });
    req.on("error", (e) => {
      process.stderr.write(`watch ${i}: ${e.message}\n`);
      process.exit(1);
    });
    requests.push(req);
  }
  // One JSON line of acknowledgements per round, one result line back; stdin's end ends the process.
  let input = "";
  let rounds = Promise.resolve();
  let roundStart = t0;
  let roundCpu = cpu0;
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d: string) => {
    input += d;
    for (let nl = input.indexOf("\n"); nl >= 0; nl = input.indexOf("\n")) {
      const acks = JSON.parse(input.slice(0, nl)) as Record<string, number>;
      input = input.slice(nl + 1);
      rounds = rounds.then(() => answer(acks));
    }
  });
  process.stdin.on("end", () => {
    for (const r of requests) r.destroy();
    process.exit(0);
  });
  const answer = async (acks: Record<string, number>) => {
    const names = Object.keys(acks);
    const expected = names.length * cfg.watchers;
    const arrivedFor = () => names.reduce((n, name) => n + (arrivals.get(name)?.count ?? 0), 0);
    while (arrivedFor() < expected && now() - lastArrival < SETTLE_MS) await new Promise((r) => setTimeout(r, 50));
    const seconds = (now() - roundStart) / 1000;
    const cpu = process.cpuUsage(roundCpu);
    const clientFaults = process.resourceUsage().minorPageFault - roundFaults;
    const lat: number[] = [];
    let beforeAck = 0;
    for (const [name, ack] of Object.entries(acks)) {
      for (const t of arrivalsOf(arrivals.get(name))) {
        const d = t - ack;
        if (d < 0) beforeAck++;
        lat.push(d);
      }
    }
    lat.sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
    const firstAck = Math.min(...Object.values(acks));
    const bySecond: number[][] = [];
    for (const [name, ack] of Object.entries(acks)) (bySecond[Math.floor((ack - firstAck) / 1000)] ??= []).push(...Array.from(arrivalsOf(arrivals.get(name)), (t) => t - ack));
    const p99Of = (xs: number[] = []) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? NaN;
    const result: WatchersResult = {
      expected,
      received: lat.length,
      p50ms: q(0.5),
      p99ms: q(0.99),
      maxms: lat.at(-1) ?? NaN,
      p99BySecondMs: Array.from(bySecond, p99Of),
      beforeAck,
      other,
      clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
      clientFaults,
    };
    process.stdout.write(JSON.stringify(result) + "\n");
    // The next round's figures start here: working out this answer is not part of it.
    roundStart = now();
    roundCpu = process.cpuUsage();
    roundFaults = process.resourceUsage().minorPageFault;
  };
}
