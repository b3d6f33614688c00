/**
 * A Storage seen in another version: what kube's versioning codec does at the
 * etcd boundary of a multi-version CRD. Every object read (get, list, watch
 * events, the current object handed to an update) is converted from the
 * storage version to the served version, and every object written is
 * converted back, so the registry and endpoints above stay single-version.
 *
 * An object that cannot be converted (stored by an older program, a user
 * conversion function that throws on it) fails alone: its GET and updates
 * answer 500 naming it, lists and watches go on without it (logged), and
 * DELETE still removes it.
 */
import { errors } from "../api/status.js";
import type { KubeObject, ListOptions, Predicate, Storage, UpdateFunc, WatchEvent, Watcher } from "../storage/interface.js";
import type { WatchSink } from "../apimachinery/watch.js";
import { losslessConversion } from "./lossless.js";
import type { Obj, ResourceConversion } from "./types.js";

/** Told about each object a list or watch had to leave out. */
export type ConversionFailureLog = (message: string) => void;

function describe(obj: KubeObject): string {
  const meta = (obj?.metadata ?? {}) as { namespace?: string; name?: string };
  return meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
}

export function convertingStorage(inner: Storage, c: ResourceConversion, log: ConversionFailureLog = (m) => console.error(m)): Storage {
  const up = losslessConversion(c.group, c.version, c.storageVersion, c.toStorage, c.fromStorage);
  const downUnchecked = losslessConversion(c.group, c.storageVersion, c.version, c.fromStorage, c.toStorage);
  const failure = (obj: KubeObject, err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    return errors.internal(
      new Error(`converting ${c.group}/${c.storageVersion} ${obj?.kind} ${JSON.stringify(describe(obj))} to ${c.group}/${c.version}: ${reason}`, { cause: err }),
    );
  };
  const down = (obj: KubeObject): KubeObject => {
    try {
      return downUnchecked(obj as Obj) as KubeObject;
    } catch (err) {
      throw failure(obj, err);
    }
  };
  // Backends hand out the same stored object to many readers (watch fan-out, lists), who
  // must not change it: convert each once for those. Keyed weakly so the cache lives exactly as long as the stored object.
  const converted = new WeakMap<KubeObject, KubeObject>();
  const read = (obj: KubeObject): KubeObject => {
    let out = converted.get(obj);
    if (!out) {
      out = down(obj);
      converted.set(obj, out);
    }
    return out;
  };
  /** `read`, or undefined (logged) for an object that cannot be converted. */
  const readOrSkip = (obj: KubeObject, where: string): KubeObject | undefined => {
    try {
      return read(obj);
    } catch (err) {
      log(`${where}: left out ${obj?.kind} ${JSON.stringify(describe(obj))}: ${(err as Error).message}\n${((err as Error).cause as Error | undefined)?.stack ?? ""}`);
      return undefined;
    }
  };
  const fresh = (obj: KubeObject): KubeObject => down(obj);
  /** What a deletion can always show of an object: its identity, in the served version. */
  const identity = (obj: KubeObject): KubeObject =>
    ({ apiVersion: `${c.group}/${c.version}`, kind: obj.kind, metadata: obj.metadata }) as KubeObject;
  const freshOrIdentity = (obj: KubeObject): KubeObject => {
    try {
      return fresh(obj);
    } catch {
      return identity(obj);
    }
  };
  const write = (obj: KubeObject): KubeObject => up(obj as Obj) as KubeObject;
  // Selectors are written against the served version's field paths; an object that cannot be converted matches none.
  const pred = (p?: Predicate): Predicate | undefined =>
    p
      ? (obj) => {
          const served = readOrSkip(obj, "selector");
          return served !== undefined && p(served);
        }
      : undefined;
  /** The event in the served version, or undefined when its object cannot be converted. */
  const event = (ev: WatchEvent): WatchEvent | undefined => {
    // Bookmarks carry only a resourceVersion; errors are not objects of the kind.
    if (ev.type === "BOOKMARK" || ev.type === "ERROR") return ev;
    const object = readOrSkip(ev.object, "watch");
    if (!object) return undefined;
    // The previous state is converted when first read, as the storage parses it: most readers never do.
    let prevObject: KubeObject | undefined | null = null;
    return {
      type: ev.type,
      object,
      revision: ev.revision,
      get prevObject() {
        if (prevObject === null) prevObject = ev.prevObject ? readOrSkip(ev.prevObject, "watch") : undefined;
        return prevObject;
      },
    };
  };
  const listOpts = (o?: ListOptions): ListOptions | undefined => (o?.predicate ? { ...o, predicate: pred(o.predicate) } : o);

  return {
    async create(key, obj) {
      return fresh(await inner.create(key, write(obj)));
    },
    async get(key, opts) {
      return fresh(await inner.get(key, opts));
    },
    async list(prefix, opts) {
      const r = await inner.list(prefix, listOpts(opts));
      const items: KubeObject[] = [];
      for (const item of r.items) {
        const served = readOrSkip(item, "list");
        if (served) items.push(served);
      }
      return { ...r, items };
    },
    async guaranteedUpdate(key, tryUpdate: UpdateFunc, opts) {
      // The update function may change what it is given: hand it a fresh conversion, never a cached one.
      // An empty object (ignoreNotFound) has nothing to convert but its metadata.
      const fn: UpdateFunc = async (current) => write(await tryUpdate(Object.keys(current).length > 1 ? fresh(current) : current));
      return fresh(await inner.guaranteedUpdate(key, fn, opts));
    },
    async delete(key, opts) {
      // Deleting never depends on conversion: an object that cannot be converted is checked and shown by its metadata.
      const v = opts?.validateDeletion;
      return freshOrIdentity(await inner.delete(key, v ? { ...opts, validateDeletion: (cur) => v(freshOrIdentity(cur)) } : opts));
    },
    watch(key, opts): Watcher {
      const w = inner.watch(key, { ...opts, predicate: pred(opts.predicate) });
      const pushTo = w.pushTo?.bind(w);
      return {
        stop: () => w.stop(),
        // Pushed as the watch cache pushes (no promise per event); an event left out takes no room.
        ...(pushTo && {
          pushTo: (sink: WatchSink) =>
            pushTo({
              push: (ev) => {
                const served = event(ev);
                return served ? sink.push(served) : true;
              },
              end: (err) => sink.end(err),
            }),
        }),
        async *[Symbol.asyncIterator]() {
          try {
            for await (const ev of w) {
              const served = event(ev);
              if (served) yield served;
            }
          } finally {
            // A consumer that stops iterating (break, return) ends the storage watch too.
            w.stop();
          }
        },
      };
    },
    currentRevision: () => inner.currentRevision(),
    compact: (rev) => inner.compact(rev),
    compactedRevision: () => inner.compactedRevision(),
    count: (prefix) => inner.count(prefix),
    // The underlying storage is shared by every version: its owner closes it.
    close: async () => {},
  };
}
