/**
 * A small autocannon-like HTTPS load generator, run as its own process by the
 * benchmarks so the client does not share the server's CPU time:
 *
 *   node --import tsx bench/support/load.ts '<json LoadConfig>'
 *
 * `connections` TLS sockets (client certificate optional), each with one
 * request in flight at a time (keep-alive, no pipelining), written as raw
 * bytes and answered by Content-Length (or a chunked terminator), so the
 * client's cost per request is a few microseconds. Prints one JSON line
 * (LoadResult) at the end.
 */
import tls from "node:tls";

export interface LoadConfig {
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Body sent with each request; `{{i}}` is replaced by a unique counter. */
  body?: string;
  /** Stop after this many measured requests (default: none). */
  maxRequests?: number;
}

export interface LoadResult {
  requests: number;
  /** Completed requests including the warm-up (to divide the server's CPU time by). */
  totalRequests: number;
  seconds: number;
  rps: number;
  p50us: number;
  p99us: number;
  statuses: Record<string, number>;
  /** CPU time the load generator used, as a share of one core over the measured window. */
  clientCpu: number;
}

function requestBytes(cfg: LoadConfig, i: number): Buffer {
  const body = cfg.body === undefined ? undefined : cfg.body.replaceAll("{{i}}", String(i));
  let head = `${cfg.method} ${cfg.path} HTTP/1.1\r\nHost: ${cfg.host}:${cfg.port}\r\nUser-Agent: skai-bench\r\nAccept: application/json\r\n`;
  for (const [k, v] of Object.entries(cfg.headers ?? {})) head += `${k}: ${v}\r\n`;
  if (body !== undefined) head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  head += "\r\n";
  return Buffer.from(body === undefined ? head : head + body);
}

export async function runLoad(cfg: LoadConfig): Promise<LoadResult> {
  const fixed = cfg.body === undefined || !cfg.body.includes("{{i}}") ? requestBytes(cfg, 0) : undefined;
  let counter = 0;
  let measuring = false;
  let stopping = false;
  let requests = 0;
  let totalRequests = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};

  const connection = () =>
    new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: cfg.host, port: cfg.port, ca: cfg.ca, cert: cfg.cert, key: cfg.key, servername: "localhost" });
      socket.setNoDelay(true);
      let buf: Buffer = Buffer.alloc(0);
      let headerEnd = -1;
      let need = -1; // total bytes of the response when known
      let chunked = false;
      let status = "";
      let started = 0n;
      const send = () => {
        if (stopping || (cfg.maxRequests !== undefined && counter >= cfg.maxRequests + (fixed ? Infinity : 0))) {
          socket.end();
          resolve();
          return;
        }
        started = process.hrtime.bigint();
        socket.write(fixed ?? requestBytes(cfg, counter));
        counter++;
      };
      const done = () => {
        totalRequests++;
        if (measuring) {
          requests++;
          latencies.push(Number(process.hrtime.bigint() - started) / 1000);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (cfg.maxRequests && requests >= cfg.maxRequests) stopping = true;
        }
        buf = buf.subarray(need);
        headerEnd = -1;
        need = -1;
        chunked = false;
        send();
      };
      socket.on("secureConnect", send);
      socket.on("data", (d: Buffer) => {
        buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
        for (;;) {
          if (headerEnd < 0) {
            headerEnd = buf.indexOf("\r\n\r\n");
            if (headerEnd < 0) return;
            const head = buf.subarray(0, headerEnd).toString("latin1");
            status = head.slice(9, 12);
            const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
            chunked = !cl && /\r\ntransfer-encoding: *chunked/i.test(head);
            need = cl ? headerEnd + 4 + Number(cl[1]) : chunked ? -1 : headerEnd + 4;
          }
          if (chunked) {
            const end = buf.indexOf("\r\n0\r\n\r\n", headerEnd);
            if (end < 0) return;
            need = end + 7;
          }
          if (buf.length < need) return;
          done();
          if (buf.length === 0) return;
        }
      });
      socket.on("error", (e) => (stopping ? resolve() : reject(e)));
      socket.on("close", () => resolve());
    });

  const all = Promise.all(Array.from({ length: cfg.connections }, connection));
  await new Promise((r) => setTimeout(r, cfg.warmupMs));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise<void>((r) => {
    const timer = setTimeout(r, cfg.durationMs);
    if (cfg.maxRequests) {
      const poll = setInterval(() => {
        if (stopping) {
          clearTimeout(timer);
          clearInterval(poll);
          r();
        }
      }, 5);
      timer.unref();
    }
  });
  measuring = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  stopping = true;
  await all;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return {
    requests,
    totalRequests,
    seconds,
    rps: requests / seconds,
    p50us: q(0.5),
    p99us: q(0.99),
    statuses,
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const cfg = JSON.parse(process.argv[2]!) as LoadConfig;
  const result = await runLoad(cfg);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}
