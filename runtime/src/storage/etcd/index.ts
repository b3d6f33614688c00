/** The etcd backend: `etcd://host:port[,host:port...]` specs. */
import { readFileSync } from "node:fs";
import { KVStore, type StoreOptions } from "../kv-store.js";
import { EtcdBackend, type EtcdBackendOptions } from "./backend.js";

export { KeyMapper } from "./keys.js";

export type EtcdStoreOptions = StoreOptions & Pick<EtcdBackendOptions, "prefix" | "requestTimeoutMs">;

export interface EtcdTLSFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** `etcd://a:2379,b:2379` -> client URLs (`https` when a CA file is given). */
export function parseEtcdSpec(spec: string, tls: boolean): string[] {
  const rest = spec.slice("etcd://".length);
  const hosts = rest.split(",").map((h) => h.trim().replace(/\/+$/, "")).filter(Boolean);
  if (hosts.length === 0) throw new Error(`storage spec "${spec}": expected etcd://host:port[,host:port...]`);
  return hosts.map((h) => (/^https?:\/\//.test(h) ? h : `${tls ? "https" : "http"}://${h}`));
}

/** The shared store over an etcd backend, connected. */
export async function createEtcdStorage(spec: string, opts: EtcdStoreOptions & { tls?: EtcdTLSFiles } = {}): Promise<KVStore> {
  const { tls, prefix, requestTimeoutMs, ...storeOptions } = opts;
  const credentials = tls?.caFile
    ? {
        rootCertificate: readFileSync(tls.caFile),
        ...(tls.certFile ? { certChain: readFileSync(tls.certFile) } : {}),
        ...(tls.keyFile ? { privateKey: readFileSync(tls.keyFile) } : {}),
      }
    : undefined;
  const backend = await EtcdBackend.open(parseEtcdSpec(spec, !!credentials), {
    prefix,
    requestTimeoutMs,
    credentials,
    watchBufferSize: storeOptions.watchBufferSize,
  });
  return new KVStore(backend, storeOptions);
}
