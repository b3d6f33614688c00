import type http from "node:http";
import { ApiError, isExpired } from "./errors.js";
import { objectKey, resourceVersionOf } from "./keys.js";
import type { KubeList, KubeObject, ListOptions, Status, WatchEvent, WatchOptions } from "./types.js";

/** What a Watch needs from a resource client: one watch connection and a list. */
export interface WatchSource<T> {
  openWatch(opts: WatchOptions, resourceVersion: string | undefined, timeoutSeconds: number, signal: AbortSignal): Promise<http.IncomingMessage>;
  listEverything(opts: ListOptions): Promise<KubeList<T>>;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 3_000;

/**
 * A watch as an async iterator of typed events. It survives what a long
 * watch meets: the server ending the stream at its timeout (re-watch from the
 * last resourceVersion seen, so nothing is repeated or lost), a dropped
 * connection or server restart (same, with backoff), and 410 Expired when the
 * server no longer has that version (list again and emit the difference
 * against what this watch already delivered, or throw with `onExpired: "throw"`).
 */
export class Watch<T extends KubeObject> implements AsyncIterable<WatchEvent<T>> {
  private readonly ctrl = new AbortController();
  private lastRV: string | undefined;
  private started = false;

  constructor(
    private readonly source: WatchSource<T>,
    private readonly opts: WatchOptions = {},
  ) {
    this.lastRV = opts.resourceVersion;
    const outer = opts.signal;
    if (outer) {
      if (outer.aborted) this.ctrl.abort(outer.reason);
      else outer.addEventListener("abort", () => this.ctrl.abort(outer.reason), { once: true });
    }
  }

  /** The resourceVersion of the last event (or bookmark) delivered: where a new watch would resume. */
  get resourceVersion(): string | undefined {
    return this.lastRV;
  }

  /** Ends the iteration; pending `next()` calls resolve as done. */
  close(): void {
    this.ctrl.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.started) throw new Error("a Watch can be iterated once; call watch() again for a second consumer");
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<WatchEvent<T>> {
    const signal = this.ctrl.signal;
    // What this watch has delivered, for the diff after a relist. Only kept when relisting is on.
    const known = (this.opts.onExpired ?? "relist") === "relist" ? new Map<string, T>() : undefined;
    const reconnect = this.opts.reconnect ?? true;
    // Without a start version, list first and watch from the list's version, as a reflector does: resuming a
    // server-side "current state" stream after a drop could skip objects older than the last version seen.
    let needList = this.lastRV === undefined && known !== undefined;
    let backoff = 0;
    while (!signal.aborted) {
      let res: http.IncomingMessage | undefined;
      try {
        if (needList) {
          yield* this.relist(known!);
          needList = false;
        }
        // Random in [300, 600) s like client-go's reflector, so many watchers do not reconnect in step.
        const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
        res = await this.source.openWatch(this.opts, this.lastRV, timeoutSeconds, signal);
        // The server ends the stream at timeoutSeconds; silence well past that means a dead connection
        // (a peer that vanished without a FIN): drop it and reconnect.
        res.setTimeout((timeoutSeconds + 60) * 1000, () => res?.destroy(new Error("watch connection stalled")));
        backoff = 0;
        for await (const ev of decode<T>(res)) {
          if (ev.type === "ERROR") throw new ApiError(ev.object as Status);
          const rv = resourceVersionOf(ev.object);
          if (rv) this.lastRV = rv;
          if (known && ev.type !== "BOOKMARK") {
            if (ev.type === "DELETED") known.delete(objectKey(ev.object));
            else known.set(objectKey(ev.object), ev.object);
          }
          yield ev as WatchEvent<T>;
        }
        // The server ended the stream (its timeout): re-watch from lastRV right away.
      } catch (err) {
        if (signal.aborted) return;
        if (isExpired(err)) {
          if (!known) throw err;
          needList = true;
        } else if (!reconnect || !retriable(err)) throw err;
        else {
          backoff = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoff * 2));
          await sleep(backoff * (0.8 + Math.random() * 0.4), signal);
        }
      } finally {
        res?.destroy();
      }
    }
  }

  /** After 410: the current state as ADDED/MODIFIED/DELETED against `known`, then watch from the list's version. */
  private async *relist(known: Map<string, T>): AsyncGenerator<WatchEvent<T>> {
    const { labelSelector, fieldSelector } = this.opts;
    const list = await this.source.listEverything({ labelSelector, fieldSelector, signal: this.ctrl.signal });
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      const before = known.get(key);
      known.set(key, obj);
      if (!before) yield { type: "ADDED", object: obj };
      else if (resourceVersionOf(before) !== resourceVersionOf(obj)) yield { type: "MODIFIED", object: obj };
    }
    for (const [key, obj] of known) {
      if (seen.has(key)) continue;
      known.delete(key);
      yield { type: "DELETED", object: obj };
    }
    this.lastRV = list.metadata?.resourceVersion;
  }
}

/** Splits a watch response into events: one JSON document per line (kube's json.Encoder framing). */
export async function* decode<T>(res: http.IncomingMessage): AsyncGenerator<{ type: string; object: T }> {
  res.setEncoding("utf8");
  let buf = "";
  for await (const chunk of res as AsyncIterable<string>) {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line) as { type: string; object: T };
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as { type: string; object: T };
}

/** Network failures and server-side trouble are worth a reconnect; client errors are not. */
function retriable(err: unknown): boolean {
  if (err instanceof ApiError) return err.code >= 500 || err.code === 429;
  return err instanceof Error && !(err instanceof SyntaxError);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
