/**
 * The etcd backend, as k8s.io/apiserver's etcd3 store uses etcd: resourceVersion is the key's
 * mod_revision, writes are transactions comparing mod_revision (0: absent), reads at a
 * revision are etcd ranges at that revision, compaction is etcd's and is driven from here.
 * The Kubernetes semantics on top are kv-store.ts's, as for every backend.
 *
 * One etcd watch on the store's root (the feed) publishes into the hub, so watchers get the
 * hub's bounded queues, predicates and bookmarks; the hub's revision is the feed's. History
 * before it is replayed through a temporary etcd watch (history.ts).
 *
 * Writes (one Txn each, never resent) and watches go through a lean gRPC channel of our own
 * (grpc-channel.ts over h2-session.ts; txn-proto.ts, watch-stream.ts): on the path of every
 * create, grpc-js and proto-loader cost more CPU than the rest of the call. Reads and
 * compaction use the etcd3 client.
 */
import { Etcd3, type IKeyValue, type IOptions } from "etcd3";
import { FutureRevision, RevisionCompacted, type Backend, type ChangeSource, type KeyRange, type Row, type WriteOp, type WriteResult } from "../backend.js";
import { asStored, prefixEnd } from "../codec.js";
import type { RawEvent } from "../change.js";
import type { KubeObject } from "../interface.js";
import { WatchHub } from "../watch-hub.js";
import { isCompacted, isFutureRevision, unreachable } from "./errors.js";
import { etcdHistory, toRawEvents } from "./history.js";
import { KeyMapper } from "./keys.js";
import type { EtcdKeyValue } from "./proto-fields.js";
import { decodeCasTxnResponse, encodeCasTxn } from "./txn-proto.js";
import { GrpcChannel } from "./grpc-channel.js";
import { EtcdWatch } from "./watch-stream.js";

export interface EtcdBackendOptions {
  /** Key prefix (`--etcd-prefix`), default kube-apiserver's `/registry`; a generated server passes its own (`/registry/<group>`). */
  prefix?: string;
  /** TLS client material (`--etcd-cafile`, `--etcd-certfile`, `--etcd-keyfile`). */
  credentials?: IOptions["credentials"];
  /** Deadline of each etcd call; past it the request fails as Unreachable (504). */
  requestTimeoutMs?: number;
  /** Live events a watcher may have queued before it is ended as too slow. */
  watchBufferSize?: number;
}

/** kube-apiserver's --etcd-prefix default: keys are `/registry/<group>/<resource>/...`. */
export const DEFAULT_ETCD_PREFIX = "/registry";
const TXN = "/etcdserverpb.KV/Txn";
const buf = (s: string) => Buffer.from(s);

/** A write awaiting etcd's answer; `stored` once the feed delivered its event (at `revision`). */
interface InFlightWrite {
  value: string;
  object: KubeObject;
  stored?: KubeObject;
  revision?: number;
}

export class EtcdBackend implements Backend {
  readonly hub: WatchHub;
  private compacted = 0;
  /** The revision the current feed started after: a replay up to it may not end on an event of the root. */
  private feedFrom: number;
  private feed: EtcdWatch | undefined;
  private closed = false;
  /**
   * Writes awaiting etcd's answer, by key. etcd sends a write's watch event before its answer:
   * the feed's event of one carries the writer's object, stamped with the event's revision,
   * instead of a parse of the value (an event whose value matches no write is parsed).
   */
  private readonly inFlight = new Map<string, InFlightWrite[]>();

  private constructor(
    private readonly client: Etcd3,
    private readonly channel: GrpcChannel,
    private readonly keys: KeyMapper,
    private readonly timeoutMs: number,
    revision: number,
    watchBufferSize: number | undefined,
  ) {
    this.feedFrom = revision;
    this.hub = new WatchHub(revision, watchBufferSize);
  }

  /** Connects, reads the current revision and starts the watch feed. */
  static async open(hosts: string[], opts: EtcdBackendOptions = {}): Promise<EtcdBackend> {
    const timeout = opts.requestTimeoutMs ?? 5000;
    const client = new Etcd3({
      hosts,
      credentials: opts.credentials,
      dialTimeout: Math.min(timeout, 3000),
      // Unary calls get a deadline so a cluster without quorum answers 504 instead of hanging.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    });
    const channel = new GrpcChannel(hosts, opts.credentials, Math.min(timeout, 3000));
    const keys = new KeyMapper(opts.prefix ?? DEFAULT_ETCD_PREFIX);
    let revision: number;
    try {
      revision = Number((await client.kv.range({ key: buf(keys.root), range_end: buf(prefixEnd(keys.root)), count_only: true })).header.revision);
    } catch (err) {
      client.close();
      throw new Error(`etcd ${hosts.join(",")}: ${(err as Error).message}`, { cause: err });
    }
    const backend = new EtcdBackend(client, channel, keys, timeout, revision, opts.watchBufferSize);
    await backend.startFeed(revision);
    return backend;
  }

  /** One etcd watch on the whole root, from just after `revision`, publishing into the hub in order. */
  private async startFeed(revision: number): Promise<void> {
    const feed = new EtcdWatch(this.channel, this.keys.root, revision, {
      onEvents: (events) => {
        if (this.feed === feed) this.hub.publish(this.withWrittenObjects(toRawEvents(events, this.keys)));
      },
      onCanceled: (err) => {
        if (this.feed === feed) this.restartFeed(err);
      },
    });
    this.feed = feed;
    this.feedFrom = revision;
    await feed.start();
  }

  /**
   * The feed cannot resume (its position was compacted while disconnected): ends every
   * watcher so clients re-watch (and get 410 if they are too old), then restarts from now.
   */
  private restartFeed(err: Error): void {
    if (this.closed) return;
    if (isCompacted(err)) this.compacted = Math.max(this.compacted, this.hub.revision);
    void this.etcdRevision()
      .then((rev) => {
        if (this.closed) return;
        this.hub.restart(rev);
        return this.startFeed(rev);
      })
      .catch(() => setTimeout(() => this.restartFeed(err), 1000).unref());
  }

  /** etcd's current revision (a linearizable read). */
  currentRevision(): Promise<number> {
    return this.etcdRevision();
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string, revision?: number): Promise<{ row: Row | undefined; revision: number }> {
    const res = await this.read(key, revision, () => this.client.kv.range({ key: buf(this.keys.toEtcd(key)), revision }));
    const kv = res.kvs[0];
    return { row: kv && this.rowOf(kv), revision: revision ?? Number(res.header.revision) };
  }

  async range(prefix: string, revision: number | undefined, after: string | undefined, limit: number): Promise<{ rows: Row[]; revision: number }> {
    const res = await this.read(prefix, revision, () => this.client.kv.range({ ...this.span(prefix, after), limit, revision }));
    return { rows: res.kvs.map((kv) => this.rowOf(kv)), revision: revision ?? Number(res.header.revision) };
  }

  async count(prefix: string, revision: number | undefined, after: string | undefined): Promise<number> {
    const res = await this.read(prefix, revision, () => this.client.kv.range({ ...this.span(prefix, after), revision, count_only: true }));
    return Number(res.count);
  }

  history(range: KeyRange, from: number, upto: number): ChangeSource {
    return etcdHistory({
      channel: this.channel,
      keys: this.keys,
      range,
      from,
      upto,
      idleEndMs: upto === this.feedFrom ? 300 : undefined,
      compacted: () => this.compacted,
      learnCompacted: (rev) => this.learnCompacted(rev),
    });
  }

  /** A compare-and-swap on the key's mod_revision; a failed txn also reads the key, in the same round trip. */
  async write(op: WriteOp): Promise<WriteResult> {
    const txn = encodeCasTxn(this.keys.toEtcd(op.key), op.expect, op.value);
    const pending = op.object && op.value !== null ? this.track(op.key, { value: op.value, object: op.object }) : undefined;
    let answer: Buffer;
    try {
      answer = await this.channel.call(TXN, txn, this.timeoutMs);
    } catch (err) {
      throw unreachable(op.key, err);
    } finally {
      if (pending) this.untrack(op.key, pending);
    }
    const res = decodeCasTxnResponse(answer);
    if (!res.succeeded) return { ok: false, current: res.current && this.row(res.current), revision: res.revision };
    if (!pending) return { ok: true, revision: res.revision };
    const object = pending.revision === res.revision ? pending.stored! : asStored(pending.object, pending.value, res.revision);
    return { ok: true, revision: res.revision, object };
  }

  private track(key: string, write: InFlightWrite): InFlightWrite {
    const list = this.inFlight.get(key);
    if (list) list.push(write);
    else this.inFlight.set(key, [write]);
    return write;
  }

  private untrack(key: string, write: InFlightWrite): void {
    const list = this.inFlight.get(key)!;
    if (list.length === 1) this.inFlight.delete(key);
    else list.splice(list.indexOf(write), 1);
  }

  /** The feed's events, those of writes in flight carrying the writers' objects. */
  private withWrittenObjects(events: RawEvent[]): RawEvent[] {
    if (this.inFlight.size === 0) return events;
    for (const ev of events) {
      const list = ev.value === null ? undefined : this.inFlight.get(ev.key);
      const write = list?.find((w) => w.stored === undefined && w.value === ev.value);
      if (!write) continue;
      write.stored = asStored(write.object, write.value, ev.revision);
      write.revision = ev.revision;
      ev.object = write.stored;
    }
    return events;
  }

  /**
   * Until etcd reaches `revision`: the feed reaching it wakes the wait at once; etcd may also
   * get there through writes outside this store's root, which only polling sees.
   */
  async waitForRevision(revision: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.etcdRevision();
      if (current >= revision || Date.now() >= deadline || this.closed) return current;
      const published = await this.hub.waitForRevision(revision, 20);
      if (published >= revision) return published;
    }
  }

  /** Compacts etcd at `revision`. */
  async compact(revision: number): Promise<void> {
    try {
      await this.client.kv.compact({ revision: String(revision), physical: true });
    } catch (err) {
      // Another replica compacted at or past it already: fine, that is the same history.
      if (!isCompacted(err)) throw unreachable("", err);
    }
    this.compacted = Math.max(this.compacted, revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.stop();
    const feed = this.feed;
    this.feed = undefined;
    feed?.cancel();
    this.client.close();
    this.channel.close();
  }

  /** The etcd range of the keys under `prefix` after `after`. */
  private span(prefix: string, after: string | undefined): { key: Buffer; range_end: Buffer } {
    const edir = this.keys.toEtcd(prefix);
    return { key: buf(after === undefined ? edir : this.keys.toEtcd(after) + "\0"), range_end: buf(prefixEnd(edir)) };
  }

  private row(kv: EtcdKeyValue): Row {
    return { key: this.keys.fromEtcd(kv.key.toString()), revision: kv.modRevision, value: kv.value.toString() };
  }

  private rowOf(kv: IKeyValue): Row {
    return this.row({ key: kv.key, createRevision: Number(kv.create_revision), modRevision: Number(kv.mod_revision), value: kv.value });
  }

  /** Runs a read at `revision`, turning etcd's compacted / future-revision answers into the backend contract's errors. */
  private async read<T>(key: string, revision: number | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (revision !== undefined && isCompacted(err)) throw new RevisionCompacted(await this.learnCompacted(revision));
      if (revision !== undefined && isFutureRevision(err)) throw new FutureRevision(await this.etcdRevision());
      throw unreachable(key, err);
    }
  }

  private async etcdRevision(): Promise<number> {
    try {
      const res = await this.client.kv.range({ key: buf(this.keys.root), range_end: buf(prefixEnd(this.keys.root)), count_only: true });
      return Number(res.header.revision);
    } catch (err) {
      throw unreachable("", err);
    }
  }

  /**
   * After etcd said `rev` is compacted (another replica's compactor ran): finds etcd's
   * compacted revision, the oldest readable one, by bisecting with cheap count-only
   * reads, so 410 texts carry the real number as kube's do. Rare, so a few reads are fine.
   */
  private async learnCompacted(rev: number): Promise<number> {
    let lo = Math.max(rev, this.compacted); // unreadable (or already known)
    let hi: number;
    try {
      hi = await this.etcdRevision(); // readable
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
}
