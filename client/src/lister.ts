import { compileLabelSelector } from "./selectors/options.js";
import { NAMESPACE_INDEX, type Indexer } from "./store.js";
import type { KubeObject, LabelSelector } from "./types.js";

/**
 * Read-only queries over an informer's cache (lister-gen's Lister). Objects are
 * the cached ones: treat them as immutable and copy before changing.
 */
export class Lister<T extends KubeObject> {
  constructor(private readonly indexer: Indexer<T>) {}

  /** Every cached object the label selector matches (all when omitted). */
  list(selector?: LabelSelector): T[] {
    return filter(this.indexer.values(), selector);
  }

  /** By key: `name` for cluster-scoped kinds, `namespace/name` otherwise. */
  get(key: string): T | undefined {
    return this.indexer.get(key);
  }

  /** Queries within one namespace. */
  namespace(namespace: string): NamespaceLister<T> {
    return new NamespaceLister(this.indexer, namespace);
  }

  /** Objects a user-defined (or the built-in `namespace`) index maps `value` to. */
  byIndex(indexName: string, value: string): T[] {
    return this.indexer.byIndex(indexName, value);
  }
}

export class NamespaceLister<T extends KubeObject> {
  constructor(
    private readonly indexer: Indexer<T>,
    readonly namespace: string,
  ) {}

  list(selector?: LabelSelector): T[] {
    return filter(this.indexer.byIndex(NAMESPACE_INDEX, this.namespace), selector);
  }

  get(name: string): T | undefined {
    return this.indexer.get(`${this.namespace}/${name}`);
  }
}

function filter<T extends KubeObject>(objs: Iterable<T>, selector: LabelSelector | undefined): T[] {
  if (selector === undefined) return [...objs];
  const matches = compileLabelSelector(selector);
  const out: T[] = [];
  for (const o of objs) if (matches(o.metadata?.labels)) out.push(o);
  return out;
}
