/** etcd client failures -> StorageError, so the handlers answer with Kubernetes' Status. */
import { StorageError } from "../interface.js";

/** etcd's text when a read or watch asks for a compacted revision. */
export function isCompacted(err: unknown): boolean {
  return /required revision has been compacted/.test(String((err as Error)?.message ?? err));
}

export function isFutureRevision(err: unknown): boolean {
  return /required revision is a future revision/.test(String((err as Error)?.message ?? err));
}

/**
 * Anything else thrown by the client (no connection, no leader, deadline, open circuit)
 * means the storage cannot answer now: `Unreachable`, which the registry turns into a
 * 504 Status with Retry-After, as kube-apiserver does when etcd does not respond.
 */
export function unreachable(key: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  return new StorageError("Unreachable", key, `etcd unreachable: ${(err as Error)?.message ?? String(err)}`);
}
