/**
 * What Node itself does on this machine, as the baseline of the GET and WATCH
 * benchmarks: a bare node `https` server (same serving certificate, same
 * client-certificate verification) that
 * - answers a GET with fixed bytes (the generated server's answer to the same GET);
 * - holds a `?watch=1` GET open as a chunked stream;
 * - answers a POST with the object (a resourceVersion added) and then writes one
 *   `{"type":"ADDED","object":...}` line, encoded once, to every open stream.
 * It serves on worker threads, as the generated server does: one by default, or
 * `threads` of them accepting on one listening socket (what more cores give Node
 * without a second process). The serving code is bare-serving-thread.mjs.
 * Run as its own process: `node --import tsx bench/support/bare-server.ts '<json>'`;
 * prints `PORT <n>` when listening.
 */
import { Worker } from "node:worker_threads";

export interface BareServerConfig {
  cert: string;
  key: string;
  ca: string;
  /** The GET answer; or `bodyFile`, a file holding it (a body of megabytes does not fit in argv). */
  body?: string;
  bodyFile?: string;
  headers: Record<string, string>;
  /** Serving threads (default 1). */
  threads?: number;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const cfg = JSON.parse(process.argv[2]!) as BareServerConfig;
  const threads = Math.max(1, cfg.threads ?? 1);
  const start = (index: number) => {
    const worker = new Worker(new URL("./bare-serving-thread.mjs", import.meta.url), { workerData: { cfg: { ...cfg, threads }, index } });
    worker.on("error", (err) => {
      process.stderr.write(`bare server thread ${index}: ${err.stack ?? err}\n`);
      process.exit(1);
    });
    return worker;
  };
  const first = start(0);
  first.once("message", ({ fd, port }: { fd: number; port: number }) => {
    let listening = 1;
    const ready = () => {
      if (listening === threads) process.stdout.write(`PORT ${port}\n`);
    };
    for (let i = 1; i < threads; i++) {
      const worker = start(i);
      worker.once("message", () => {
        listening++;
        ready();
      });
      worker.postMessage({ fd });
    }
    ready();
  });
  process.on("SIGTERM", () => process.exit(0));
}
