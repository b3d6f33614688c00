/**
 * A Storage seen in another version: what kube's versioning codec does at the
 * etcd boundary of a multi-version CRD. Every object read (get, list, watch
 * events, the current object handed to an update) is converted from the
 * storage version to the served version, and every object written is
 * converted back, so the registry and endpoints above stay single-version.
 */
import type { KubeObject, ListOptions, Predicate, Storage, UpdateFunc, WatchEvent, Watcher } from "../storage/interface.js";
import { losslessConversion } from "./lossless.js";
import type { Obj, ResourceConversion } from "./types.js";

export function convertingStorage(inner: Storage, c: ResourceConversion): Storage {
  const up = losslessConversion(c.group, c.version, c.storageVersion, c.toStorage, c.fromStorage);
  const down = losslessConversion(c.group, c.storageVersion, c.version, c.fromStorage, c.toStorage);
  // Backends hand out the same stored object to many readers (watch fan-out, lists), who
  // must not change it: convert each once for those. Keyed weakly so the cache lives exactly as long as the stored object.
  const converted = new WeakMap<KubeObject, KubeObject>();
  const read = (obj: KubeObject): KubeObject => {
    let out = converted.get(obj);
    if (!out) {
      out = down(obj as Obj) as KubeObject;
      converted.set(obj, out);
    }
    return out;
  };
  const fresh = (obj: KubeObject): KubeObject => down(obj as Obj) as KubeObject;
  const write = (obj: KubeObject): KubeObject => up(obj as Obj) as KubeObject;
  // Selectors are written against the served version's field paths.
  const pred = (p?: Predicate): Predicate | undefined => (p ? (obj) => p(read(obj)) : undefined);
  const event = (ev: WatchEvent): WatchEvent => {
    // Bookmarks carry only a resourceVersion; errors are not objects of the kind.
    if (ev.type === "BOOKMARK" || ev.type === "ERROR") return ev;
    return { ...ev, object: read(ev.object), ...(ev.prevObject ? { prevObject: read(ev.prevObject) } : {}) };
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
      return { ...r, items: r.items.map(read) };
    },
    async guaranteedUpdate(key, tryUpdate: UpdateFunc, opts) {
      // The update function may change what it is given: hand it a fresh conversion, never a cached one.
      // An empty object (ignoreNotFound) has nothing to convert but its metadata.
      const fn: UpdateFunc = async (current) => write(await tryUpdate(Object.keys(current).length > 1 ? fresh(current) : current));
      return fresh(await inner.guaranteedUpdate(key, fn, opts));
    },
    async delete(key, opts) {
      const v = opts?.validateDeletion;
      return fresh(await inner.delete(key, v ? { ...opts, validateDeletion: (cur) => v(fresh(cur)) } : opts));
    },
    watch(key, opts): Watcher {
      const w = inner.watch(key, { ...opts, predicate: pred(opts.predicate) });
      return {
        stop: () => w.stop(),
        async *[Symbol.asyncIterator]() {
          try {
            for await (const ev of w) yield event(ev);
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
