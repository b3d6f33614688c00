/**
 * Client-certificate outcomes remembered per TLS connection: the peer
 * certificate cannot change on a connection, so with keep-alive (the
 * aggregator reuses connections) the chain is verified, and the user read
 * from it, once per connection and CA bundle instead of on every request. A
 * new bundle object (CA rotation) invalidates the entry.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

const cache = new WeakMap<Socket, Map<string, { config: object; outcome: unknown }>>();

export function cachedPerConnection<T>(req: IncomingMessage, key: string, config: object, verify: () => T): T {
  let entries = cache.get(req.socket);
  if (!entries) {
    entries = new Map();
    cache.set(req.socket, entries);
  }
  const entry = entries.get(key);
  if (entry && entry.config === config) return entry.outcome as T;
  const outcome = verify();
  entries.set(key, { config, outcome });
  return outcome;
}
