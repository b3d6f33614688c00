/**
 * Test harness for the handlers layer: a plain node:http server that does the serving
 * layer's minimal job (path -> RequestInfo, a fixed user) and hands requests to
 * createResourceHandler over the memory storage, plus a small client.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestInfo } from "../../runtime/src/api/request.js";
import type { FieldError, ResourceDefinition } from "../../runtime/src/api/resource.js";
import { createResourceHandler, type ResourceHandlerOptions } from "../../runtime/src/endpoints/index.js";
import { createStores } from "../../runtime/src/registry/stores.js";
import { createStorage, type KVStore, type StoreOptions } from "../../runtime/src/storage/index.js";
import { Cacher } from "../../runtime/src/storage/cacher/index.js";

export const GROUP = "test.skai.io";
export const GV = `${GROUP}/v1`;

/** A namespaced kind with status + scale, print columns and selectable fields. */
export const widgetDef: ResourceDefinition = {
  group: GROUP,
  version: "v1",
  kind: "Widget",
  listKind: "WidgetList",
  plural: "widgets",
  singular: "widget",
  namespaced: true,
  shortNames: ["wd"],
  categories: [],
  subresources: {
    status: true,
    scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" },
    log: false,
    exec: false,
    custom: [],
  },
  printColumns: [
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas", priority: 0 },
    { name: "Phase", type: "string", jsonPath: ".status.phase", priority: 0 },
    { name: "Extra", type: "string", jsonPath: ".spec.extra", priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", priority: 0 },
  ],
  selectableFields: [".status.phase", ".spec.color"],
  schema: {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: {
        type: "object",
        properties: {
          replicas: { type: "integer" },
          color: { type: "string" },
          extra: { type: "string" },
          tags: { type: "array", items: { type: "string" } },
          ports: {
            type: "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            items: { type: "object", properties: { name: { type: "string" }, port: { type: "integer" }, protocol: { type: "string" } } },
          },
          free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        },
      },
      status: {
        type: "object",
        properties: { replicas: { type: "integer" }, phase: { type: "string" }, selector: { type: "string" } },
      },
    },
  },
  applyDefaults(obj) {
    const spec = obj.spec as Record<string, unknown> | undefined;
    if (spec && spec.color === undefined) spec.color = "blue";
  },
  validate(obj, old) {
    const errs: FieldError[] = [];
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    if (typeof spec.replicas === "number" && spec.replicas > 100) {
      errs.push({ type: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${spec.replicas}: must be less than or equal to 100` });
    }
    const oldSpec = (old?.spec ?? {}) as Record<string, unknown>;
    if (old && oldSpec.color === "frozen" && spec.color !== "frozen") {
      errs.push({ type: "FieldValueInvalid", field: "spec.color", message: `Invalid value: "${String(spec.color)}": is immutable once frozen` });
    }
    return errs;
  },
};

/** A cluster-scoped kind without subresources and without print columns. */
export const gadgetDef: ResourceDefinition = {
  ...widgetDef,
  kind: "Gadget",
  listKind: "GadgetList",
  plural: "gadgets",
  singular: "gadget",
  namespaced: false,
  shortNames: [],
  subresources: { status: false, log: false, exec: false, custom: [] },
  printColumns: [],
  selectableFields: [],
};

function requestInfo(method: string, url: URL): RequestInfo {
  const parts = url.pathname.split("/").filter(Boolean);
  // apis / group / version / [namespaces/ns/] resource [/name [/sub]]
  const [, apiGroup, apiVersion, ...rest] = parts;
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [resource = "", name = "", subresource = ""] = rest;
  let verb: string;
  const watch = ["true", "1"].includes(url.searchParams.get("watch") ?? "");
  switch (method) {
    case "GET":
      verb = name ? (watch ? "watch" : "get") : watch ? "watch" : "list";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      verb = method.toLowerCase();
  }
  return { isResourceRequest: true, path: url.pathname, verb, apiPrefix: "apis", apiGroup, apiVersion, namespace, resource, subresource, name, parts: rest };
}

export interface Harness {
  url: string;
  storage: KVStore;
  observed: Array<[string, string, number, number]>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: ResourceHandlerOptions = {},
  defs = [widgetDef, gadgetDef],
  storageOpts: StoreOptions = {},
  serving: { watchCache?: boolean } = {},
): Promise<Harness> {
  const storage = createStorage("memory:", storageOpts);
  // --watch-cache: the handlers over kube's cacher in front of the store (closing it closes the store)
  const served = serving.watchCache ? new Cacher(storage) : storage;
  const observed: Harness["observed"] = [];
  const stores = createStores(defs, served, { clock: opts.now, bookmarkFrequencyMs: opts.bookmarkIntervalMs });
  const handler = createResourceHandler(stores, {
    ...opts,
    observe: (verb, resource, code, seconds) => observed.push([verb, resource, code, seconds]),
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    void handler({
      req,
      res,
      info: requestInfo(req.method ?? "GET", url),
      user: { name: "tester", groups: ["system:authenticated"] },
      query: url.searchParams,
      signal: ac.signal,
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    storage,
    observed,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await served.close();
    },
  };
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const hdrs: Record<string, string> = { ...headers };
  if (data !== undefined && !hdrs["content-type"]) hdrs["content-type"] = "application/json";
  const res = await fetch(h.url + path, { method, headers: hdrs, body: data });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const out: Response["headers"] = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return { status: res.status, headers: out, text, body: parsed };
}

export const ns = (n = "default") => `/apis/${GV}/namespaces/${n}/widgets`;

export function widget(name: string, spec: Record<string, unknown> = { replicas: 1 }, extra: Record<string, unknown> = {}) {
  return { apiVersion: GV, kind: "Widget", metadata: { name, ...extra }, spec };
}

/** Reads a watch stream line by line. */
export class WatchStream {
  private buf = "";
  private lines: string[] = [];
  private waiters: Array<() => void> = [];
  ended = false;
  status = 0;
  headers: Record<string, string | string[] | undefined> = {};
  private req: ReturnType<typeof request> | undefined;

  static async open(h: Harness, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
    const w = new WatchStream();
    await new Promise<void>((resolve, reject) => {
      w.req = request(h.url + path, { headers }, (res) => {
        w.status = res.statusCode ?? 0;
        w.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          w.buf += chunk;
          let i;
          while ((i = w.buf.indexOf("\n")) >= 0) {
            w.lines.push(w.buf.slice(0, i));
            w.buf = w.buf.slice(i + 1);
          }
          w.wake();
        });
        res.on("end", () => {
          w.ended = true;
          w.wake();
        });
        res.on("error", () => {
          w.ended = true;
          w.wake();
        });
        resolve();
      });
      w.req.on("error", reject);
      w.req.end();
    });
    return w;
  }

  private wake() {
    const ws = this.waiters;
    this.waiters = [];
    ws.forEach((f) => f());
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async next(ms = 3000): Promise<any | null> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a watch event");
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return JSON.parse(this.lines.shift()!);
  }

  close() {
    this.req?.destroy();
  }
}
