/**
 * Small HTTPS helpers for the e2e tests and benchmarks that talk to the
 * generated server with its standalone admin certificate (certs/ in the
 * server's temp dir): a keep-alive agent, one request with the whole body, and
 * a newline-delimited watch reader.
 */
import https from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";

export interface AdminCredentials {
  ca: string;
  cert: string;
  key: string;
}

/** The CA and admin client certificate the server wrote into `<dir>/certs`. */
export function adminCredentials(dir: string): AdminCredentials {
  const certs = path.join(dir, "certs");
  return {
    ca: readFileSync(path.join(certs, "ca.crt"), "utf8"),
    cert: readFileSync(path.join(certs, "admin.crt"), "utf8"),
    key: readFileSync(path.join(certs, "admin.key"), "utf8"),
  };
}

export function adminAgent(dir: string, opts: https.AgentOptions = {}): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets: 32, ...adminCredentials(dir), ...opts });
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

export interface RequestOptions {
  method?: string;
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  agent: https.Agent;
  /** Abort (and reject) after this many ms; default 30 s. */
  deadlineMs?: number;
}

/** One request; resolves with the whole response body. */
export function request(url: string, opts: RequestOptions): Promise<Reply> {
  const body =
    opts.body === undefined ? undefined : typeof opts.body === "string" || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
  // Explicit framing: node sends a DELETE's body without Content-Length or chunking otherwise.
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
  const send = (retried: boolean): Promise<Reply> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const req = https.request(url, { method: opts.method ?? "GET", agent: opts.agent, headers, timeout: opts.deadlineMs ?? 30_000 }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      });
      req.on("timeout", () => req.destroy(new Error(`no answer to ${opts.method ?? "GET"} ${url} within ${opts.deadlineMs ?? 30_000} ms`)));
      req.on("error", (err: NodeJS.ErrnoException) => {
        // A kept-alive socket can be closed by the peer just as it is reused; Node's docs
        // (http.ClientRequest reusedSocket) advise one retry on a fresh send. Once only.
        if (!answered && !retried && req.reusedSocket && err.code === "ECONNRESET") resolve(send(true));
        else reject(err);
      });
      req.end(body);
    });
  return send(false);
}

export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every event received so far. */
  events: Array<{ type: string; object: any }>;
  /** Resolves with the first event (already received or future) that matches; rejects after `deadlineMs`. */
  waitFor(pred: (e: { type: string; object: any }) => boolean, deadlineMs?: number): Promise<{ type: string; object: any }>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch (the URL must carry `watch=1`) and parses events as they arrive. */
export function openWatch(url: string, agent: https.Agent, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent, headers }, (res) => {
      const events: WatchStream["events"] = [];
      const waiters = new Set<{ pred: (e: { type: string; object: any }) => boolean; resolve: (e: { type: string; object: any }) => void }>();
      let buf = "";
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line);
          events.push(ev);
          for (const w of waiters) {
            if (w.pred(ev)) {
              waiters.delete(w);
              w.resolve(ev);
            }
          }
        }
      });
      res.on("end", endResolve);
      res.on("close", endResolve);
      res.on("error", () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        waitFor(pred, deadlineMs = 15_000) {
          const seen = events.find(pred);
          if (seen) return Promise.resolve(seen);
          return new Promise((res2, rej2) => {
            const w = {
              pred,
              resolve: (e: { type: string; object: any }) => {
                clearTimeout(timer);
                res2(e);
              },
            };
            const timer = setTimeout(() => {
              waiters.delete(w);
              rej2(new Error(`watch event not seen within ${deadlineMs} ms; got ${JSON.stringify(events.map((e) => [e.type, e.object?.metadata?.name]))}`));
            }, deadlineMs);
            waiters.add(w);
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A valid Notebook (the shape of examples/skai.io/v1alpha1/notebook.yaml). */
export function notebook(name: string, namespace: string, extra: { labels?: Record<string, string>; padTo?: number } = {}): any {
  const nb: any = {
    apiVersion: "skai.io/v1alpha1",
    kind: "Notebook",
    metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "skai", ...(extra.labels ?? {}) } },
    spec: {
      image: "quay.io/jupyter/pytorch-notebook:cuda12-2024-05-20",
      resources: { cpu: "4", memory: "32Gi", gpus: 1, gpuType: "nvidia-a100" },
      env: [{ name: "HF_HOME", value: "/home/jovyan/.cache/huggingface" }],
      idleTimeout: "2h",
      suspend: false,
    },
  };
  if (extra.padTo) {
    // Pad with an annotation so the stored object is about `padTo` bytes of JSON.
    const pad = Math.max(0, extra.padTo - JSON.stringify(nb).length - 250);
    nb.metadata.annotations = { "bench.skai.io/pad": "x".repeat(pad) };
  }
  return nb;
}
