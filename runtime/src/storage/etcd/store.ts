/**
 * Storage on etcd, as k8s.io/apiserver's etcd3 store: resourceVersion is the key's
 * mod_revision, writes are transactions comparing mod_revision (0: absent), reads at a
 * revision are etcd ranges at that revision, compaction is etcd's and is driven from here.
 *
 * etcd is asynchronous and has its own history, so this implements Storage directly
 * rather than the synchronous Backend contract. Watches share one etcd watch on the
 * store's root that feeds the same WatchHub the other backends use (bounded queues,
 * predicates, bookmarks); a watch from an older revision first replays etcd history.
 */
import { Etcd3, type IKeyValue, type IOptions, type Watcher as EtcdWatcher } from "etcd3";
import { checkPreconditions, decode, encode, prefixEnd } from "../codec.js";
import { keyExists, keyNotFound, listExpired, tooLargeResourceVersion, watchExpired } from "../errors.js";
import {
  StorageError,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type Preconditions,
  type Storage,
  type UpdateFunc,
  type WatchOptions,
  type Watcher,
} from "../interface.js";
import type { CompactionOptions, StoreOptions } from "../kv-store.js";
import { WatchHub, type BacklogItem, type BacklogSource, type HubWatchParams } from "../watch-hub.js";
import { isCompacted, isFutureRevision, unreachable } from "./errors.js";
import { etcdHistory, toRawEvents } from "./history.js";
import { KeyMapper } from "./keys.js";

export interface EtcdStoreOptions extends StoreOptions {
  /** Key prefix (`--etcd-prefix`), default kube-apiserver's `/registry`; a generated server passes its own (`/registry/<group>`). */
  prefix?: string;
  /** TLS client material (`--etcd-cafile`, `--etcd-certfile`, `--etcd-keyfile`). */
  credentials?: IOptions["credentials"];
  /** Deadline of each etcd call; past it the request fails as Unreachable (504). */
  requestTimeoutMs?: number;
}

/** kube-apiserver's --etcd-prefix default: keys are `/registry/<group>/<resource>/...`. */
export const DEFAULT_ETCD_PREFIX = "/registry";
const BATCH = 500;
/**
 * A cockatiel-shaped policy (etcd3 only calls `execute`) for writes: retries only when
 * the request provably never left (no connection to that member), so it cannot have
 * committed; anything else is returned to the caller.
 */
const NO_RETRY = {
  async execute<T>(fn: (ctx: { signal: AbortSignal }) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn({ signal: new AbortController().signal });
      } catch (err) {
        if (attempt >= 3 || !/No connection established|ECONNREFUSED/.test(String((err as Error)?.message))) throw err;
      }
    }
  },
} as unknown as NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;
const buf = (s: string) => Buffer.from(s);

export class EtcdStorage implements Storage {
  hub: WatchHub;
  readonly client: Etcd3;
  readonly keys: KeyMapper;
  private readonly waitMs: number;
  private compacted = 0;
  private readonly openedAt: number;
  private feed: EtcdWatcher | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    client: Etcd3,
    private readonly writer: Etcd3,
    keys: KeyMapper,
    revision: number,
    private readonly opts: EtcdStoreOptions,
  ) {
    this.client = client;
    this.keys = keys;
    this.openedAt = revision;
    this.hub = new WatchHub(revision, opts.watchBufferSize);
    this.waitMs = opts.waitForRevisionMs ?? 3000;
  }

  /** Connects, reads the current revision and starts the shared watch feed. */
  static async open(hosts: string[], opts: EtcdStoreOptions = {}): Promise<EtcdStorage> {
    const timeout = opts.requestTimeoutMs ?? 5000;
    const client = new Etcd3({
      hosts,
      credentials: opts.credentials,
      dialTimeout: Math.min(timeout, 3000),
      // Unary calls get a deadline so a cluster without quorum answers 504 instead of hanging.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    });
    // Writes go through a client that never retries on its own: a txn whose answer was lost
    // (member killed) may have committed, and a blind retry would turn a successful create
    // into "already exists". The caller gets a retryable 504 instead, as with kube's etcd client.
    const writer = new Etcd3({
      hosts,
      credentials: opts.credentials,
      dialTimeout: Math.min(timeout, 3000),
      defaultCallOptions: () => ({ deadline: Date.now() + timeout }),
      faultHandling: { global: NO_RETRY },
    });
    const keys = new KeyMapper(opts.prefix ?? DEFAULT_ETCD_PREFIX);
    let revision: number;
    try {
      revision = Number((await client.kv.range({ key: buf(keys.root), range_end: buf(prefixEnd(keys.root)), count_only: true })).header.revision);
    } catch (err) {
      client.close();
      writer.close();
      throw new Error(`etcd ${hosts.join(",")}: ${(err as Error).message}`, { cause: err });
    }
    const s = new EtcdStorage(client, writer, keys, revision, opts);
    await s.startFeed(revision);
    if (opts.compaction) s.startCompaction(opts.compaction);
    return s;
  }

  /** One etcd watch on the whole root, from just after `revision`, publishing into the hub in order. */
  private async startFeed(revision: number): Promise<void> {
    const w = await this.client.watch().prefix(this.keys.root).startRevision(String(revision + 1)).withPreviousKV().create();
    this.feed = w;
    w.on("data", (res) => {
      if (this.feed !== w) return;
      this.hub.publish(toRawEvents(res, this.keys));
    });
    // The feed cannot resume (its position was compacted while disconnected): end every
    // watcher so clients re-watch (and get 410 if they are too old), then restart from now.
    w.on("error", (err) => {
      if (this.closed || this.feed !== w) return;
      if (isCompacted(err)) this.compacted = Math.max(this.compacted, this.hub.revision);
      const old = this.hub;
      void this.currentEtcdRevision()
        .then((rev) => {
          if (this.closed) return;
          this.hub = new WatchHub(rev, this.opts.watchBufferSize);
          old.stop();
          return this.startFeed(rev);
        })
        .catch(() => setTimeout(() => w.emit("error", err), 1000).unref());
    });
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.checkOpen(key);
    const value = encode(obj);
    const res = await this.cas(key, value, 0);
    if (!res.ok) throw keyExists(key, res.current);
    return decode(value, res.revision);
  }

  async get(key: string, opts?: { revision?: number }): Promise<KubeObject> {
    this.checkOpen(key);
    if (opts?.revision) await this.waitEtcd(key, opts.revision);
    const { kv, revision } = await this.getKV(key);
    if (!kv) throw keyNotFound(key, revision);
    return decode(kv.value.toString(), Number(kv.mod_revision));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen(prefix);
    const paging = opts.continueAfter !== undefined;
    let rev: number | undefined;
    if (opts.revision && opts.revision > 0) {
      if (opts.exact || paging) {
        rev = opts.revision;
        if (rev < this.compacted) throw listExpired(paging ? opts.continueAfter! : prefix, this.compacted, paging);
      } else await this.waitEtcd(prefix, opts.revision);
    }
    const pred = opts.predicate;
    try {
      if (opts.recursive === false) {
        const res = await this.client.kv.range({ key: buf(this.keys.toEtcd(prefix)), revision: rev });
        const kv = res.kvs[0];
        const obj = kv && decode(kv.value.toString(), Number(kv.mod_revision));
        return { items: obj && (!pred || pred(obj)) ? [obj] : [], revision: Number(res.header.revision) };
      }
      const dir = prefix.endsWith("/") ? prefix : prefix + "/";
      const edir = this.keys.toEtcd(dir);
      const end = buf(prefixEnd(edir));
      const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
      const items: KubeObject[] = [];
      let after = opts.continueAfter;
      let more = false;
      // Scan in batches at one revision (the first response's) until the page is full.
      outer: for (;;) {
        const want = limit ? limit - items.length + 1 : BATCH;
        const batch = pred ? Math.max(want, BATCH) : want;
        const start = after === undefined ? buf(edir) : buf(this.keys.toEtcd(after) + "\0");
        const res = await this.client.kv.range({ key: start, range_end: end, limit: batch, revision: rev });
        rev ??= Number(res.header.revision);
        for (const kv of res.kvs) {
          if (limit && items.length >= limit) {
            more = true;
            break outer;
          }
          after = this.keys.fromEtcd(kv.key.toString());
          const obj = decode(kv.value.toString(), Number(kv.mod_revision));
          if (!pred || pred(obj)) items.push(obj);
        }
        if (res.kvs.length < batch) break;
      }
      const result: ListResult = { items, revision: rev! };
      if (more) {
        result.continueKey = after;
        if (!pred) {
          const c = await this.client.kv.range({ key: buf(this.keys.toEtcd(after!) + "\0"), range_end: end, revision: rev, count_only: true });
          result.remainingItemCount = Number(c.count);
        }
      }
      return result;
    } catch (err) {
      if (isCompacted(err)) throw listExpired(paging ? opts.continueAfter! : prefix, await this.learnCompacted(rev!), paging);
      if (isFutureRevision(err)) throw tooLargeResourceVersion(prefix, rev!, await this.currentEtcdRevision());
      throw unreachable(prefix, err);
    }
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunc,
    opts: { preconditions?: Preconditions; ignoreNotFound?: boolean } = {},
  ): Promise<KubeObject> {
    this.checkOpen(key);
    let { kv, revision } = await this.getKV(key);
    for (;;) {
      if (!kv && !opts.ignoreNotFound) throw keyNotFound(key, revision);
      const stored = kv?.value.toString();
      const current: KubeObject = kv ? decode(stored!, Number(kv.mod_revision)) : { metadata: {} };
      checkPreconditions(key, opts.preconditions, current);
      const value = encode(await tryUpdate(current));
      // Like etcd3's store: an update that changes nothing writes nothing and keeps the revision.
      if (kv && value === stored) return current;
      const res = await this.cas(key, value, kv ? Number(kv.mod_revision) : 0);
      if (res.ok) return decode(value, res.revision);
      // Someone wrote in between: the failed txn returned the fresh state; try again on it.
      kv = res.kv;
      revision = res.current;
    }
  }

  async delete(
    key: string,
    opts: { preconditions?: Preconditions; validateDeletion?: (current: KubeObject) => void | Promise<void> } = {},
  ): Promise<KubeObject> {
    this.checkOpen(key);
    let { kv, revision } = await this.getKV(key);
    for (;;) {
      if (!kv) throw keyNotFound(key, revision);
      const stored = kv.value.toString();
      const current = decode(stored, Number(kv.mod_revision));
      checkPreconditions(key, opts.preconditions, current);
      if (opts.validateDeletion) await opts.validateDeletion(current);
      const res = await this.cas(key, null, Number(kv.mod_revision));
      // The last state, stamped with the deletion's revision (as etcd3's conditionalDelete returns).
      if (res.ok) return decode(stored, res.revision);
      kv = res.kv;
      revision = res.current;
    }
  }

  watch(key: string, opts: WatchOptions): Watcher {
    this.checkOpen(key);
    const recursive = opts.recursive;
    const k = recursive && !key.endsWith("/") ? key + "/" : key;
    const hub = this.hub;
    const current = hub.revision;
    const params: HubWatchParams = { key: k, recursive, predicate: opts.predicate, liveAfter: current, bookmarkIntervalMs: opts.bookmarkIntervalMs };
    if (opts.revision === 0 || opts.sendInitialEvents) {
      params.backlog = this.initialState(key, k, recursive, opts, params);
    } else {
      if (opts.revision < this.compacted) throw watchExpired(key, opts.revision, this.compacted);
      if (opts.revision >= current) params.liveAfter = opts.revision;
      else
        params.backlog = etcdHistory({
          client: this.client,
          keys: this.keys,
          key: k,
          recursive,
          from: opts.revision,
          upto: current,
          idleEndMs: current === this.openedAt ? 300 : undefined,
          compacted: () => this.compacted,
          learnCompacted: (rev) => this.learnCompacted(rev),
        });
    }
    // Registered in the same tick as `current` was read: live events are exactly those after it.
    return hub.watch(params);
  }

  /** ADDED for the state at a snapshot revision >= the live feed's, then (watch-list) the end bookmark. */
  private initialState(key: string, k: string, recursive: boolean, opts: WatchOptions, params: HubWatchParams): BacklogSource {
    let after: string | undefined;
    let started = false;
    let finished = false;
    return async () => {
      if (finished || this.closed) return [];
      if (!started) {
        started = true;
        if (opts.revision > params.liveAfter) {
          // Not older than the requested revision: the feed reaching it, or etcd being past it
          // (writes outside this store's root), both make a snapshot at it consistent.
          if (!(await this.hub.waitForRevision(opts.revision, Math.min(this.waitMs, 200)))) await this.waitEtcd(key, opts.revision);
          params.liveAfter = Math.max(this.hub.revision, opts.revision);
        }
      }
      const at = params.liveAfter;
      if (at < this.compacted) throw watchExpired(key, at, this.compacted);
      const ek = this.keys.toEtcd(k);
      let kvs: IKeyValue[];
      try {
        const res = recursive
          ? await this.client.kv.range({ key: buf(after === undefined ? ek : this.keys.toEtcd(after) + "\0"), range_end: buf(prefixEnd(ek)), limit: BATCH, revision: at })
          : await this.client.kv.range({ key: buf(ek), revision: at });
        kvs = res.kvs;
      } catch (err) {
        throw isCompacted(err) ? watchExpired(key, at, await this.learnCompacted(at)) : unreachable(key, err);
      }
      const items: BacklogItem[] = kvs.map((kv) => ({ kind: "initial", key: this.keys.fromEtcd(kv.key.toString()), value: kv.value.toString(), revision: Number(kv.mod_revision) }));
      if (kvs.length > 0) after = this.keys.fromEtcd(kvs[kvs.length - 1]!.key.toString());
      if (!recursive || kvs.length < BATCH) {
        finished = true;
        if (opts.sendInitialEvents) items.push({ kind: "bookmark", revision: at, initialEventsEnd: true });
      }
      return items;
    };
  }

  /** etcd's current revision (a linearizable read). */
  async currentRevision(): Promise<number> {
    this.checkOpen("");
    return this.currentEtcdRevision();
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen("");
    await this.compactTo(Math.min(revision, await this.currentEtcdRevision()));
  }

  /** Compacts etcd at `target` (not above etcd's revision). */
  private async compactTo(target: number): Promise<void> {
    if (target <= this.compacted) return;
    try {
      await this.client.kv.compact({ revision: String(target), physical: true });
    } catch (err) {
      // Another replica compacted at or past it already: fine, that is the same history.
      if (!isCompacted(err)) throw unreachable("", err);
    }
    this.compacted = Math.max(this.compacted, target);
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen(prefix);
    const dir = this.keys.toEtcd(prefix.endsWith("/") ? prefix : prefix + "/");
    try {
      return Number((await this.client.kv.range({ key: buf(dir), range_end: buf(prefixEnd(dir)), count_only: true })).count);
    } catch (err) {
      throw unreachable(prefix, err);
    }
  }

  /**
   * Compacts every `compactionIntervalMs` keeping `retainRevisions`, like kube-apiserver's
   * compactor. Every replica may run it: etcd treats an already-compacted revision as done.
   */
  startCompaction(opts: CompactionOptions): void {
    this.stopCompaction();
    let running = false;
    this.compactTimer = setInterval(() => {
      // One compaction at a time; a slow etcd must not pile up ticks.
      if (running || this.closed) return;
      running = true;
      void this.currentEtcdRevision()
        .then((cur) => this.compactTo(cur - opts.retainRevisions))
        .catch(() => undefined)
        .finally(() => (running = false));
    }, opts.compactionIntervalMs);
    this.compactTimer.unref();
  }

  stopCompaction(): void {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.compactTimer = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCompaction();
    this.hub.stop();
    const feed = this.feed;
    this.feed = undefined;
    await feed?.cancel().catch(() => undefined);
    this.client.close();
    this.writer.close();
  }

  /** A compare-and-swap on the key's mod_revision; on failure returns the key's current state. */
  private async cas(
    key: string,
    value: string | null,
    expect: number,
  ): Promise<{ ok: true; revision: number } | { ok: false; current: number; kv: IKeyValue | undefined }> {
    const ek = buf(this.keys.toEtcd(key));
    try {
      const res = await this.writer.kv.txn({
        compare: [{ key: ek, target: "Mod", result: "Equal", mod_revision: String(expect) }],
        success: [value === null ? { request_delete_range: { key: ek } } : { request_put: { key: ek, value: buf(value) } }],
        failure: [{ request_range: { key: ek } }],
      });
      if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
      const kv = res.responses[0]?.response_range.kvs[0];
      return { ok: false, current: kv ? Number(kv.mod_revision) : Number(res.header.revision), kv };
    } catch (err) {
      throw unreachable(key, err);
    }
  }

  private async getKV(key: string): Promise<{ kv: IKeyValue | undefined; revision: number }> {
    try {
      const res = await this.client.kv.range({ key: buf(this.keys.toEtcd(key)) });
      return { kv: res.kvs[0], revision: Number(res.header.revision) };
    } catch (err) {
      throw unreachable(key, err);
    }
  }

  private async currentEtcdRevision(): Promise<number> {
    try {
      const res = await this.client.kv.range({ key: buf(this.keys.root), range_end: buf(prefixEnd(this.keys.root)), count_only: true });
      return Number(res.header.revision);
    } catch (err) {
      throw unreachable("", err);
    }
  }

  /** Waits (polling etcd) until its revision reaches `revision`, else TooLargeResourceVersion. */
  private async waitEtcd(key: string, revision: number): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const cur = await this.currentEtcdRevision();
      if (cur >= revision) return;
      if (Date.now() >= deadline || this.closed) throw tooLargeResourceVersion(key, revision, cur);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * After etcd said `rev` is compacted (another replica's compactor ran): finds etcd's
   * compacted revision, the oldest readable one, by bisecting with cheap count-only
   * reads, so 410 texts carry the real number as kube's do. Rare, so a few reads are fine.
   */
  async learnCompacted(rev: number): Promise<number> {
    let lo = Math.max(rev, this.compacted); // unreadable (or already known)
    let hi: number;
    try {
      hi = await this.currentEtcdRevision(); // readable
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        try {
          await this.client.kv.range({ key: buf(this.keys.root), revision: String(mid), count_only: true, limit: 1 });
          hi = mid;
        } catch (err) {
          if (!isCompacted(err)) throw err;
          lo = mid;
        }
      }
    } catch {
      hi = rev + 1;
    }
    this.compacted = Math.max(this.compacted, hi);
    return this.compacted;
  }

  private checkOpen(key: string): void {
    if (this.closed) throw new StorageError("Unreachable", key, "storage is closed");
  }
}
