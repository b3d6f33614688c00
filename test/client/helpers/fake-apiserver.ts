/**
 * A tiny in-memory apiserver for one namespaced kind (`/apis/test.io/v1/namespaces/<ns>/widgets`),
 * enough of the wire (list paging, watch with history and 410, 409 on stale
 * resourceVersion) to test the client's watch, informer and transport logic
 * without the real server. `dropWatches()` simulates lost connections,
 * `compact()` forgets history so resuming gets 410 Expired.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { parseLabelSelector } from "../../../client/src/selectors/index.js";

export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}

interface Event {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: Obj;
  rv: number;
}

export class FakeApiServer {
  rv = 0;
  readonly objects = new Map<string, Obj>();
  private history: Event[] = [];
  private compactedRV = 0;
  private watches = new Set<{ res: http.ServerResponse; selector?: (o: Obj) => boolean }>();
  readonly server: http.Server;
  requests: string[] = [];
  /** Answer this many next requests with 429 and `Retry-After: 0`. */
  throttle = 0;
  /** The one bearer token accepted. */
  token = "secret";

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  async start(port = 0): Promise<number> {
    await new Promise<void>((r) => this.server.listen(port, "127.0.0.1", () => r()));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  kubeConfig(port: number): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "secret" }],
      contexts: [{ name: "fake", cluster: "fake", user: "u" }],
      currentContext: "fake",
    });
    return kc;
  }

  /** Ends every open watch response, as a restart or a proxy timeout would. */
  dropWatches(): void {
    for (const w of this.watches) w.res.destroy();
    this.watches.clear();
  }

  /** Forgets watch history up to now: resuming from an older version gets 410. */
  compact(): void {
    this.compactedRV = this.rv;
    this.history = [];
  }

  /** Changes state without notifying watches (what happens while a client is disconnected and history is lost). */
  silently(fn: () => void): void {
    const saved = this.watches;
    this.watches = new Set();
    fn();
    this.watches = saved;
  }

  put(obj: Obj, type?: "ADDED" | "MODIFIED"): Obj {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const t = type ?? (this.objects.has(key) ? "MODIFIED" : "ADDED");
    const stored: Obj = { apiVersion: "test.io/v1", kind: "Widget", ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(key, stored);
    this.emit({ type: t, object: stored, rv: this.rv });
    return stored;
  }

  remove(ns: string, name: string): Obj | undefined {
    const key = `${ns}/${name}`;
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.objects.delete(key);
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ type: "DELETED", object: gone, rv: this.rv });
    return gone;
  }

  private emit(ev: Event): void {
    this.history.push(ev);
    for (const w of this.watches) if (!w.selector || w.selector(ev.object)) w.res.write(JSON.stringify({ type: ev.type, object: ev.object }) + "\n");
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, "http://x");
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.throttle > 0) {
      this.throttle--;
      res.writeHead(429, { "content-type": "text/plain", "retry-after": "0" });
      return void res.end("Too many requests, please try again later.\n");
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, "Unauthorized", "Unauthorized");
    const log = /^\/apis\/test\.io\/v1\/namespaces\/([^/]+)\/widgets\/([^/]+)\/log$/.exec(url.pathname);
    if (log) return this.log(res, log[1]!, log[2]!, url.searchParams);
    const m = /^\/apis\/test\.io\/v1(?:\/namespaces\/([^/]+))?\/widgets(?:\/([^/]+))?(?:\/(status))?$/.exec(url.pathname);
    if (!m) return this.status(res, 404, "NotFound", "the server could not find the requested resource");
    const [, ns, name] = m;
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const q = url.searchParams;
      const sel = q.get("labelSelector");
      // the client sends only selectors this parser accepts
      const labels = sel ? parseLabelSelector(sel) : undefined;
      const selector = labels ? (o: Obj) => labels.matches(o.metadata.labels) : undefined;
      const inNs = (o: Obj) => !ns || o.metadata.namespace === ns;
      if (req.method === "GET" && !name && (q.get("watch") === "1" || q.get("watch") === "true")) return this.watch(res, q, (o) => inNs(o) && (!selector || selector(o)));
      if (req.method === "GET" && !name) {
        const all = [...this.objects.values()].filter((o) => inNs(o) && (!selector || selector(o))).sort((a, b) => key(a).localeCompare(key(b)));
        const limit = Number(q.get("limit") ?? 0);
        const start = q.get("continue") ? all.findIndex((o) => key(o) > q.get("continue")!) : 0;
        const items = limit ? all.slice(start < 0 ? all.length : start, (start < 0 ? all.length : start) + limit) : all;
        const more = limit > 0 && start + limit < all.length;
        return this.json(res, 200, {
          apiVersion: "test.io/v1",
          kind: "WidgetList",
          metadata: { resourceVersion: String(this.rv), ...(more ? { continue: key(items[items.length - 1]!) } : {}) },
          items,
        });
      }
      const k = `${ns}/${name}`;
      if (req.method === "GET") {
        const o = this.objects.get(k);
        return o ? this.json(res, 200, o) : this.status(res, 404, "NotFound", `widgets.test.io "${name}" not found`);
      }
      if (req.method === "POST") {
        const o = JSON.parse(body) as Obj;
        const kk = `${ns}/${o.metadata.name}`;
        if (this.objects.has(kk)) return this.status(res, 409, "AlreadyExists", `widgets.test.io "${o.metadata.name}" already exists`);
        return this.json(res, 201, this.put({ ...o, metadata: { ...o.metadata, namespace: ns } }));
      }
      if (req.method === "PUT") {
        const o = JSON.parse(body) as Obj;
        const cur = this.objects.get(k);
        if (!cur) return this.status(res, 404, "NotFound", `widgets.test.io "${name}" not found`);
        if (o.metadata.resourceVersion !== cur.metadata.resourceVersion) {
          return this.status(res, 409, "Conflict", `Operation cannot be fulfilled on widgets.test.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
        }
        return this.json(res, 200, this.put(o));
      }
      if (req.method === "DELETE") {
        const gone = this.remove(ns!, name!);
        return gone ? this.json(res, 200, gone) : this.status(res, 404, "NotFound", `widgets.test.io "${name}" not found`);
      }
      this.status(res, 405, "MethodNotAllowed", "not supported");
    });
  }

  /** `/log`: text/plain lines; with follow=true one more line every 20 ms until the client goes away. */
  private log(res: http.ServerResponse, ns: string, name: string, q: URLSearchParams): void {
    if (!this.objects.has(`${ns}/${name}`)) return this.status(res, 404, "NotFound", `widgets.test.io "${name}" not found`);
    res.writeHead(200, { "content-type": "text/plain" });
    const tail = Number(q.get("tailLines") ?? 3);
    for (let i = 0; i < tail; i++) res.write(`${name} line ${i}\n`);
    if (q.get("follow") !== "true") return void res.end();
    let n = tail;
    const t = setInterval(() => res.write(`${name} line ${n++}\n`), 20);
    res.on("close", () => clearInterval(t));
  }

  private watch(res: http.ServerResponse, q: URLSearchParams, selector: (o: Obj) => boolean): void {
    const rvParam = q.get("resourceVersion");
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    if (!rvParam || rvParam === "0") {
      for (const o of this.objects.values()) if (selector(o)) res.write(JSON.stringify({ type: "ADDED", object: o }) + "\n");
    } else {
      const from = Number(rvParam);
      if (from < this.compactedRV) {
        res.end(JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${from} (${this.compactedRV})`, reason: "Expired", code: 410 } }) + "\n");
        return;
      }
      for (const ev of this.history) if (ev.rv > from && selector(ev.object)) res.write(JSON.stringify({ type: ev.type, object: ev.object }) + "\n");
    }
    const w = { res, selector };
    this.watches.add(w);
    res.on("close", () => this.watches.delete(w));
  }

  private json(res: http.ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
  }
}

function key(o: Obj): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}

export const widgets = {
  group: "test.io",
  version: "v1",
  kind: "Widget",
  listKind: "WidgetList",
  plural: "widgets",
  namespaced: true,
  subresources: { status: true, scale: false, log: false },
};
