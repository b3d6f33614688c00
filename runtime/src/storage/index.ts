/** The storage layer: the interface, the shared store over the memory, SQLite and etcd backends, and the factory. */
import { createMemoryStorage } from "./memory.js";
import { createSqliteStorage } from "./sqlite.js";
import { DEFAULT_COMPACTION, type KVStore, type StoreOptions } from "./kv-store.js";
// Types only: etcd3 (and its gRPC stack) loads when a server is given an etcd:// spec, not on every SQLite start.
import type { EtcdStoreOptions, EtcdTLSFiles } from "./etcd/index.js";

export * from "./interface.js";
export { KVStore, type StoreOptions } from "./kv-store.js";
export { createMemoryStorage } from "./memory.js";
export { createSqliteStorage } from "./sqlite.js";

/**
 * Opens a storage from a spec: `memory:` or `sqlite:<path>` (parent directories are
 * created; `sqlite::memory:` is an in-memory SQLite database). Periodic compaction
 * (DEFAULT_COMPACTION) is on unless `opts.compaction` says otherwise (`false`: off).
 */
export function createStorage(spec: string, options: StoreOptions = {}): KVStore {
  const opts: StoreOptions = { compaction: DEFAULT_COMPACTION, ...options };
  if (spec === "memory:" || spec === "memory") return createMemoryStorage(opts);
  if (spec.startsWith("sqlite:")) {
    const path = spec.slice("sqlite:".length);
    if (!path) throw new Error(`storage spec "${spec}": missing path, expected sqlite:<path>`);
    return createSqliteStorage(path, opts);
  }
  throw new Error(`unknown storage spec "${spec}": expected "memory:", "sqlite:<path>" or "etcd://host:port[,host:port...]"`);
}

/**
 * Like createStorage, and also `etcd://host:port[,host:port...]`, which connects first
 * (hence async). `etcd` carries --etcd-prefix and the TLS files.
 */
export async function openStorage(
  spec: string,
  options: StoreOptions & { etcd?: EtcdStoreOptions & { tls?: EtcdTLSFiles } } = {},
): Promise<KVStore> {
  const { etcd, ...rest } = options;
  if (spec.startsWith("etcd://")) {
    const { createEtcdStorage } = await import("./etcd/index.js");
    return createEtcdStorage(spec, { compaction: DEFAULT_COMPACTION, ...rest, ...etcd });
  }
  return createStorage(spec, rest);
}
