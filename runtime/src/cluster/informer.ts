/**
 * A small list+watch cache of one collection in kube-apiserver, as client-go's
 * informer: list, then watch from the list's resourceVersion; on a watch error
 * or a 410 relist; every `resyncMs` relist anyway so a missed event cannot
 * stick (kube re-reads the authentication ConfigMap every minute the same way).
 */
import { createInterface } from "node:readline";
import type { ClusterConnection } from "./connection.js";

export interface ObjectWithMeta {
  metadata: { name: string; resourceVersion?: string };
}

interface ListBody<T> {
  metadata?: { resourceVersion?: string };
  items?: T[];
}

interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** How often an informer lists again though its watch goes on (kube's one minute). */
export const INFORMER_RESYNC_MS = 60_000;

export interface InformerOptions<T> {
  connection: ClusterConnection;
  /** Collection path, e.g. `/api/v1/namespaces`. */
  path: string;
  /** Extra query, e.g. `fieldSelector=metadata.name=x`. */
  query?: Record<string, string>;
  /** Re-list period (default INFORMER_RESYNC_MS). */
  resyncMs?: number;
  /** Called after every change of the cache (list or event). */
  onChange?: (items: ReadonlyMap<string, T>) => void;
  onError?: (err: unknown) => void;
}

export class Informer<T extends ObjectWithMeta> {
  private readonly items = new Map<string, T>();
  private readonly abort = new AbortController();
  private synced = false;
  private readonly syncWaiters: Array<() => void> = [];

  constructor(private readonly options: InformerOptions<T>) {}

  start(): this {
    void this.run();
    return this;
  }

  stop(): void {
    this.abort.abort();
  }

  get(name: string): T | undefined {
    return this.items.get(name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list has landed, false after `timeoutMs`. */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref?.();
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private url(extra: Record<string, string>): string {
    const q = new URLSearchParams({ ...this.options.query, ...extra });
    return `${this.options.path}?${q}`;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const resyncMs = this.options.resyncMs ?? INFORMER_RESYNC_MS;
    let backoffMs = 250;
    while (!signal.aborted) {
      try {
        let rv: string | undefined = await this.relist(signal);
        backoffMs = 250;
        const deadline = Date.now() + resyncMs;
        while (!signal.aborted && Date.now() < deadline && rv !== undefined) {
          rv = await this.watch(rv, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)), signal);
        }
      } catch (err) {
        if (signal.aborted) return;
        this.options.onError?.(err);
        await sleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<string> {
    const res = await this.options.connection.request<ListBody<T>>("GET", this.url({}), undefined, { timeoutMs: 30_000, signal });
    if (res.status !== 200) throw new Error(`list ${this.options.path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    this.items.clear();
    for (const item of res.body.items ?? []) this.items.set(item.metadata.name, item);
    this.changed();
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
    return res.body.metadata?.resourceVersion ?? "";
  }

  /** Watches until the server ends the stream; returns the resourceVersion to resume from, or undefined to relist. */
  private async watch(rv: string, timeoutSeconds: number, signal: AbortSignal): Promise<string | undefined> {
    const res = await this.options.connection.stream(
      this.url({ watch: "1", resourceVersion: rv, allowWatchBookmarks: "true", timeoutSeconds: String(timeoutSeconds) }),
      { signal },
    );
    if (res.statusCode !== 200) {
      res.resume();
      return undefined;
    }
    let last: string | undefined = rv;
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as WatchEvent<T>;
      if (event.type === "ERROR") return undefined; // e.g. 410 Expired: our resourceVersion is too old
      last = event.object.metadata.resourceVersion ?? last;
      if (event.type === "BOOKMARK") continue;
      if (event.type === "DELETED") this.items.delete(event.object.metadata.name);
      else this.items.set(event.object.metadata.name, event.object);
      this.changed();
    }
    return last;
  }

  private changed(): void {
    try {
      this.options.onChange?.(this.items);
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
