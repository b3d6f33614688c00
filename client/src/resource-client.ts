import type http from "node:http";
import { dialExec, type ExecConnection } from "./connect/exec-client.js";
import { splitLines } from "./connect/lines.js";
import { execQuery } from "./connect/query.js";
import { errorFromResponse, isExpired } from "./errors.js";
import { deleteCollectionQuery, listQuery, logQuery, watchQuery, writeQuery } from "./query.js";
import type { Transport } from "./transport.js";
import { KindCodec } from "./protobuf/codec.js";
import { protobufRequest } from "./protobuf-request.js";
import type {
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  ExecOptions,
  GetOptions,
  JsonPatchOperation,
  KubeList,
  KubeObject,
  ListOptions,
  LogOptions,
  MergePatch,
  PatchOptions,
  PatchType,
  RequestOptions,
  ResourceDescriptor,
  Scale,
  Status,
  UpdateOptions,
  WatchOptions,
} from "./types.js";
import { Watch, type WatchSource } from "./watch.js";

/**
 * What `create()` takes: the kind's own type, with apiVersion and kind
 * optional (the client fills them in). Kept an intersection of mapped types of
 * T so object literals still get excess-property and required-field checks.
 */
export type CreateInput<T> = Omit<T, "apiVersion" | "kind"> & Partial<Pick<T, Extract<keyof T, "apiVersion" | "kind">>>;

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

/** Default page size of `listAll` and informers, as kubectl's --chunk-size. */
export const DEFAULT_PAGE_SIZE = 500;

/**
 * The typed client of one kind in one namespace (or all namespaces, or a
 * cluster-scoped kind). Generated code only picks T, TList and the descriptor;
 * every verb lives here.
 */
export class ResourceClient<T extends KubeObject, TList extends KubeList<T> = KubeList<T>> implements WatchSource<T>, AsyncIterable<T> {
  readonly apiVersion: string;
  /** `/apis/<g>/<v>[/namespaces/<ns>]/<plural>` */
  private readonly collectionPath: string;
  private readonly itemPrefix: string;
  /** `/apis/<g>/<v>` (or `/api/v1`). */
  private readonly root: string;
  /** Set when the client opted into protobuf and the kind has descriptors. */
  private readonly pb?: KindCodec;

  constructor(
    protected readonly transport: Transport,
    readonly descriptor: ResourceDescriptor,
    /** Undefined for cluster-scoped kinds, and for namespaced kinds across all namespaces. */
    readonly namespace?: string,
    private readonly defaultFieldManager?: string,
  ) {
    const d = descriptor;
    this.apiVersion = d.group ? `${d.group}/${d.version}` : d.version;
    const root = (this.root = d.group ? `/apis/${d.group}/${d.version}` : `/api/${d.version}`);
    this.collectionPath = d.namespaced && namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${d.plural}` : `${root}/${d.plural}`;
    this.itemPrefix = `${this.collectionPath}/`;
    if (d.protobuf && transport.options.contentType === "protobuf") this.pb = new KindCodec(d.protobuf, { apiVersion: this.apiVersion, kind: d.kind, listKind: d.listKind });
  }

  async get(name: string, opts?: GetOptions): Promise<T> {
    const q = opts?.resourceVersion ? `?resourceVersion=${encodeURIComponent(opts.resourceVersion)}` : "";
    const req = { method: "GET" as const, path: this.itemPath(name) + q, signal: opts?.signal, timeoutMs: opts?.timeoutMs };
    return this.pb ? protobufRequest<T>(this.transport, this.pb, req) : this.transport.json<T>(req);
  }

  async list(opts?: ListOptions): Promise<TList> {
    const req = { method: "GET" as const, path: this.collectionPath + listQuery(opts), signal: opts?.signal, timeoutMs: opts?.timeoutMs };
    return this.pb ? protobufRequest<TList>(this.transport, this.pb, req) : this.transport.json<TList>(req);
  }

  /**
   * Every object, fetched page by page (`limit`, default 500) following
   * `continue`. All pages come from the first page's snapshot; if it expires
   * mid-way the ApiError (isExpired) is thrown rather than yielding duplicates.
   */
  async *listAll(opts?: ListOptions): AsyncGenerator<T, void, undefined> {
    let cont = opts?.continue;
    do {
      const page: TList = await this.list({ ...opts, limit: opts?.limit ?? DEFAULT_PAGE_SIZE, continue: cont });
      yield* page.items;
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }

  /** `for await (const nb of client.notebooks("ns"))` walks every object, page by page. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.listAll();
  }

  /**
   * A full list in pages (for informers and relists): the items of all pages and
   * the snapshot's resourceVersion. Falls back to one unpaginated list when the
   * snapshot expires between pages, as client-go's pager does.
   */
  async listEverything(opts: ListOptions = {}): Promise<KubeList<T>> {
    const items: T[] = [];
    let cont: string | undefined;
    let first: TList | undefined;
    try {
      do {
        const page: TList = await this.list({ ...opts, limit: opts.limit ?? DEFAULT_PAGE_SIZE, continue: cont, resourceVersion: cont ? undefined : opts.resourceVersion });
        first ??= page;
        for (const it of page.items) items.push(it);
        cont = page.metadata?.continue || undefined;
      } while (cont);
    } catch (err) {
      if (!cont || !isExpired(err)) throw err;
      return this.list({ ...opts, limit: undefined, continue: undefined });
    }
    return { apiVersion: first.apiVersion, kind: first.kind, metadata: { resourceVersion: first.metadata?.resourceVersion }, items };
  }

  async create(obj: CreateInput<T>, opts?: CreateOptions): Promise<T> {
    const body = this.withTypeMeta(obj as KubeObject);
    const path = (this.namespace || !this.descriptor.namespaced ? this.collectionPath : this.collectionFor(body)) + writeQuery(opts, this.defaultFieldManager);
    if (this.pb) return protobufRequest<T>(this.transport, this.pb, { method: "POST", path, signal: opts?.signal, timeoutMs: opts?.timeoutMs }, body as Record<string, unknown>);
    return this.transport.json<T>({ method: "POST", path, body: JSON.stringify(body), signal: opts?.signal, timeoutMs: opts?.timeoutMs });
  }

  /** PUT the whole object; metadata.resourceVersion makes it conditional (409 Conflict when stale). */
  async update(obj: T, opts?: UpdateOptions): Promise<T> {
    return this.put(this.objectPath(obj), obj, opts);
  }

  /** PUT to /status: only `.status` changes. */
  async updateStatus(obj: T, opts?: UpdateOptions): Promise<T> {
    return this.put(this.objectPath(obj) + "/status", obj, opts);
  }

  patch(name: string, patch: JsonPatchOperation[], type: "json", opts?: PatchOptions): Promise<T>;
  patch(name: string, patch: MergePatch<T>, type?: "merge" | "strategic", opts?: PatchOptions): Promise<T>;
  async patch(name: string, patch: unknown, type: PatchType = "merge", opts?: PatchOptions): Promise<T> {
    return this.sendPatch(this.itemPath(name), patch, type, opts);
  }

  patchStatus(name: string, patch: JsonPatchOperation[], type: "json", opts?: PatchOptions): Promise<T>;
  patchStatus(name: string, patch: MergePatch<T>, type?: "merge" | "strategic", opts?: PatchOptions): Promise<T>;
  async patchStatus(name: string, patch: unknown, type: PatchType = "merge", opts?: PatchOptions): Promise<T> {
    return this.sendPatch(this.itemPath(name) + "/status", patch, type, opts);
  }

  /** Server-side apply (`application/apply-patch+yaml` with a JSON body); needs a fieldManager. */
  async apply(obj: CreateInput<T>, opts: PatchOptions & { fieldManager: string }): Promise<T> {
    const body = this.withTypeMeta(obj as KubeObject);
    return this.sendPatch(this.objectPath(body), body, "apply", opts);
  }

  /** Deletes one object: the object (while finalizers hold it, or as deleted) or a Success Status. */
  async delete(name: string, opts?: DeleteOptions): Promise<T | Status> {
    return this.transport.json<T | Status>({ method: "DELETE", path: this.itemPath(name), body: deleteBody(opts), signal: opts?.signal, timeoutMs: opts?.timeoutMs });
  }

  /** Deletes every object the selectors match: the list of deleted objects or a Success Status. */
  async deleteCollection(opts?: DeleteCollectionOptions): Promise<TList | Status> {
    return this.transport.json<TList | Status>({
      method: "DELETE",
      path: this.collectionPath + deleteCollectionQuery(opts),
      body: deleteBody(opts),
      signal: opts?.signal,
      timeoutMs: opts?.timeoutMs,
    });
  }

  /** A resilient watch: iterate it with `for await`; `close()` or the signal ends it. */
  watch(opts?: WatchOptions): Watch<T> {
    return new Watch<T>(this, opts);
  }

  /** One raw watch connection (what `Watch` reconnects); exposed for `WatchSource`. */
  openWatch(opts: WatchOptions, resourceVersion: string | undefined, timeoutSeconds: number, signal: AbortSignal): Promise<http.IncomingMessage> {
    return this.transport.stream({ method: "GET", path: this.collectionPath + watchQuery(opts, resourceVersion, timeoutSeconds), signal });
  }

  async getScale(name: string, opts?: RequestOptions): Promise<Scale> {
    return this.transport.json<Scale>({ method: "GET", path: this.itemPath(name) + "/scale", signal: opts?.signal, timeoutMs: opts?.timeoutMs });
  }

  async updateScale(name: string, scale: Scale, opts?: UpdateOptions): Promise<Scale> {
    const body = { apiVersion: "autoscaling/v1", kind: "Scale", ...scale, metadata: { name, ...(this.namespace ? { namespace: this.namespace } : {}), ...scale.metadata } };
    return this.transport.json<Scale>({
      method: "PUT",
      path: this.itemPath(name) + "/scale" + writeQuery(opts, this.defaultFieldManager),
      body: JSON.stringify(body),
      signal: opts?.signal,
      timeoutMs: opts?.timeoutMs,
    });
  }

  /** Merge-patches the Scale, as `kubectl scale` does. */
  async patchScale(name: string, patch: MergePatch<Scale>, opts?: PatchOptions): Promise<Scale> {
    return this.transport.json<Scale>({
      method: "PATCH",
      path: this.itemPath(name) + "/scale" + writeQuery(opts, this.defaultFieldManager),
      body: JSON.stringify(patch),
      contentType: PATCH_CONTENT_TYPES.merge,
      signal: opts?.signal,
      timeoutMs: opts?.timeoutMs,
    });
  }

  /** Server-side apply of the Scale (client-go's ApplyScale): the manager owns `spec.replicas` as the object's own field. */
  async applyScale(name: string, scale: { spec: { replicas: number } }, opts: PatchOptions & { fieldManager: string }): Promise<Scale> {
    const body = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name, ...(this.namespace ? { namespace: this.namespace } : {}) }, spec: scale.spec };
    return this.transport.json<Scale>({
      method: "PATCH",
      path: this.itemPath(name) + "/scale" + writeQuery(opts, this.defaultFieldManager),
      body: JSON.stringify(body),
      contentType: PATCH_CONTENT_TYPES.apply,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  }

  /**
   * The log subresource as lines: `for await (const line of await nbs.log("nb1", { follow: true }))`.
   * Errors before streaming (404, 403) reject the promise; with `follow` the
   * iteration lasts until the server ends the stream or the signal aborts.
   */
  async log(name: string, opts?: LogOptions): Promise<AsyncGenerator<string, void, undefined>> {
    return splitLines(await this.logStream(name, opts));
  }

  /** The log subresource as bytes (a Node Readable), for piping. */
  async logStream(name: string, opts?: LogOptions): Promise<http.IncomingMessage> {
    return this.transport.stream({ method: "GET", path: this.itemPath(name) + "/log" + logQuery(opts), accept: "*/*", signal: opts?.signal });
  }

  /**
   * Runs `command` through the exec subresource (WebSocket, v5/v4 channel
   * protocol): stdin/stdout/stderr streams, resize(), and `exit`, a promise of
   * the exit code (rejected with an Error for failures other than a non-zero exit).
   */
  async exec(name: string, command: string[], opts: ExecOptions = {}): Promise<ExecConnection> {
    const wanted = { stdin: !!opts.stdin, stdout: opts.stdout ?? true, stderr: (opts.stderr ?? true) && !opts.tty, tty: !!opts.tty };
    const q = execQuery({ command, container: opts.container, ...wanted });
    const dial = await this.transport.dial(`${this.itemPath(name)}/exec?${q}`);
    return dialExec({ ...dial, httpError: (code, body, headers) => errorFromResponse(code, body, headers) }, wanted);
  }

  private put(path: string, obj: T, opts: UpdateOptions | undefined): Promise<T> {
    if (this.pb) return protobufRequest<T>(this.transport, this.pb, { method: "PUT", path: path + writeQuery(opts, this.defaultFieldManager), signal: opts?.signal, timeoutMs: opts?.timeoutMs }, this.withTypeMeta(obj) as Record<string, unknown>);
    return this.transport.json<T>({
      method: "PUT",
      path: path + writeQuery(opts, this.defaultFieldManager),
      body: JSON.stringify(this.withTypeMeta(obj)),
      signal: opts?.signal,
      timeoutMs: opts?.timeoutMs,
    });
  }

  private sendPatch(path: string, patch: unknown, type: PatchType, opts: PatchOptions | undefined): Promise<T> {
    return this.transport.json<T>({
      method: "PATCH",
      path: path + writeQuery(opts, this.defaultFieldManager),
      body: JSON.stringify(patch),
      contentType: PATCH_CONTENT_TYPES[type],
      signal: opts?.signal,
      timeoutMs: opts?.timeoutMs,
    });
  }

  private withTypeMeta<O extends KubeObject>(obj: O): O {
    if (obj.apiVersion && obj.kind) return obj;
    return { ...obj, apiVersion: obj.apiVersion || this.apiVersion, kind: obj.kind || this.descriptor.kind };
  }

  private itemPath(name: string): string {
    if (!name) throw new Error(`${this.descriptor.kind}: a name is required`);
    if (this.descriptor.namespaced && !this.namespace) {
      throw new Error(`${this.descriptor.kind} is namespaced: use ${this.descriptor.plural}("<namespace>") for single-object calls`);
    }
    return this.itemPrefix + encodeURIComponent(name);
  }

  /** The object's URL; a client without a namespace takes it from the object's metadata. */
  private objectPath(obj: KubeObject): string {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`${this.descriptor.kind}: metadata.name is required`);
    if (this.descriptor.namespaced && !this.namespace) return `${this.collectionFor(obj)}/${encodeURIComponent(name)}`;
    return this.itemPath(name);
  }

  private collectionFor(obj: KubeObject): string {
    const ns = obj.metadata?.namespace;
    if (!ns) throw new Error(`${this.descriptor.kind} is namespaced: give the client a namespace or set metadata.namespace`);
    return `${this.root}/namespaces/${encodeURIComponent(ns)}/${this.descriptor.plural}`;
  }
}

function deleteBody(opts: DeleteOptions | undefined): string | undefined {
  if (!opts) return undefined;
  const { dryRun, gracePeriodSeconds, propagationPolicy, preconditions } = opts;
  if (dryRun === undefined && gracePeriodSeconds === undefined && propagationPolicy === undefined && preconditions === undefined) return undefined;
  return JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", dryRun: dryRun ? [dryRun] : undefined, gracePeriodSeconds, propagationPolicy, preconditions });
}
