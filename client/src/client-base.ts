import type { KubeConfig } from "@kubernetes/client-node";
import { type ClientConfig, type ClientDefaults, normalizeConfig } from "./config.js";
import { SharedInformerFactory } from "./informer-factory.js";
import { ResourceClient } from "./resource-client.js";
import { Transport } from "./transport.js";
import type { KubeList, KubeObject, ResourceDescriptor } from "./types.js";

/**
 * What every generated client extends: the connection from the kubeconfig,
 * one keep-alive transport and one informer factory shared by all its
 * group-version clients.
 */
export class ClientBase {
  readonly transport: Transport;
  readonly informerFactory: SharedInformerFactory;
  /** Clients by kind and namespace: accessors are called per request in typical code, so reuse them. */
  private readonly clients = new Map<string, ResourceClient<KubeObject>>();

  /** `defaults` come from the generated subclass (its user agent); `config` is the caller's and wins. */
  constructor(config?: ClientConfig, defaults?: ClientDefaults) {
    const { kc, opts } = normalizeConfig(config, defaults);
    this.transport = new Transport(kc, opts);
    this.informerFactory = new SharedInformerFactory(this.transport);
  }

  get kubeConfig(): KubeConfig {
    return this.transport.kubeConfig;
  }

  /** A client for any kind by descriptor: the escape hatch the generated accessors are built on. */
  resource<T extends KubeObject, TList extends KubeList<T> = KubeList<T>>(descriptor: ResourceDescriptor, namespace?: string): ResourceClient<T, TList> {
    const key = `${descriptor.group}/${descriptor.version}/${descriptor.plural}/${namespace ?? ""}`;
    let c = this.clients.get(key);
    if (!c) this.clients.set(key, (c = new ResourceClient<KubeObject>(this.transport, descriptor, namespace, this.transport.options.fieldManager)));
    return c as unknown as ResourceClient<T, TList>;
  }

  /** Stops informers and closes idle connections so the process can exit. */
  close(): void {
    this.informerFactory.shutdown();
    this.transport.close();
  }
}
