/** Small helpers for the storage tests: objects, keys, and pulling watch events with timeouts. */
import assert from "node:assert/strict";
import type { KubeObject, StorageError, WatchEvent, Watcher } from "../../runtime/src/storage/index.js";

export const PREFIX = "/wardle.example.com/flunders/";

export function key(ns: string, name: string): string {
  return `${PREFIX}${ns}/${name}`;
}

export function flunder(name: string, spec: Record<string, unknown> = {}, ns = "default"): KubeObject {
  return {
    apiVersion: "wardle.example.com/v1alpha1",
    kind: "Flunder",
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` },
    spec,
  };
}

export const rv = (o: KubeObject): number => Number(o.metadata.resourceVersion);

/** Pulls events one at a time without ending the watch (unlike `for await ... break`). */
export class EventReader {
  private readonly it: AsyncIterator<WatchEvent>;
  constructor(readonly watcher: Watcher) {
    this.it = watcher[Symbol.asyncIterator]();
  }

  /** The next event; fails after `ms`. Resolves `null` when the watch ended. */
  async next(ms = 2000): Promise<WatchEvent | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no watch event within ${ms}ms`)), ms);
    });
    try {
      const read = this.pendingRead ?? this.it.next();
      this.pendingRead = read;
      const r = await Promise.race([read, timeout]);
      this.pendingRead = undefined;
      return r.done ? null : r.value;
    } finally {
      clearTimeout(timer);
    }
  }

  async take(n: number, ms = 2000): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    for (let i = 0; i < n; i++) {
      const ev = await this.next(ms);
      assert.ok(ev, `watch ended after ${out.length} of ${n} events`);
      out.push(ev);
    }
    return out;
  }

  /** Asserts nothing arrives within `ms` (the pending read is left for the next call). */
  async none(ms = 100): Promise<void> {
    const pending = this.pendingRead ?? this.it.next();
    this.pendingRead = pending;
    const r = await Promise.race([pending, new Promise((res) => setTimeout(() => res("idle"), ms))]);
    assert.equal(r, "idle", `unexpected watch event ${JSON.stringify(r)}`);
  }
  private pendingRead: Promise<IteratorResult<WatchEvent>> | undefined;

  stop(): void {
    this.watcher.stop();
  }
}

/** Asserts `p` rejects with a StorageError of `code` (and exact `message` if given). */
export async function rejectsStorage(p: Promise<unknown> | (() => unknown), code: string, message?: string | RegExp) {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    const err = e as StorageError;
    assert.equal(err.name, "StorageError", `expected StorageError, got ${String(e)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected StorageError ${code}, got success`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
