import { formatFieldSelector, formatLabelSelector } from "./selectors/options.js";
import { ResourceClient } from "./resource-client.js";
import { SharedInformer, type InformerOptions } from "./informer.js";
import type { Transport } from "./transport.js";
import type { KubeObject, ResourceDescriptor } from "./types.js";

/**
 * Hands out one informer per kind and selection (informer-gen's
 * SharedInformerFactory), so every controller in a process shares one
 * list+watch and one cache per kind.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;

  constructor(
    private readonly transport: Transport,
    /** Resync period applied when an informer is asked for without one. */
    readonly defaultResyncPeriodMs = 0,
  ) {}

  /** The shared informer for a kind; created on first use, started at once if the factory was started. */
  informerFor<T extends KubeObject>(descriptor: ResourceDescriptor, opts: InformerOptions<T> = {}): SharedInformer<T> {
    const key = [
      descriptor.group,
      descriptor.version,
      descriptor.plural,
      opts.namespace ?? "",
      opts.labelSelector === undefined ? "" : formatLabelSelector(opts.labelSelector),
      opts.fieldSelector === undefined ? "" : formatFieldSelector(opts.fieldSelector),
    ].join("|");
    let inf = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      const client = new ResourceClient<T>(this.transport, descriptor, descriptor.namespaced ? opts.namespace : undefined);
      inf = new SharedInformer<T>(client, { resyncPeriodMs: this.defaultResyncPeriodMs, ...opts });
      this.informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      if (this.started) inf.start();
    } else if (opts.indexers) {
      // A second user with its own indexes shares the informer and adds them.
      inf.addIndexers(opts.indexers);
    }
    return inf;
  }

  /** Starts every informer asked for so far, and later ones as they are created. */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** Resolves when every informer asked for so far has synced. */
  async waitForCacheSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }

  shutdown(): void {
    for (const inf of this.informers.values()) inf.stop();
    this.started = false;
  }
}
