import { fieldSelectorParam, labelSelectorParam } from "./selectors/options.js";
import type { DeleteCollectionOptions, FieldSelector, LabelSelector, ListOptions, LogOptions, PatchOptions, WatchOptions, WriteOptions } from "./types.js";

/** Appends `k=v` pairs to a query string under construction; skips undefined values. */
class Query {
  private s = "";
  add(k: string, v: string | number | boolean | undefined): this {
    if (v === undefined || v === "") return this;
    this.s += `${this.s ? "&" : "?"}${k}=${encodeURIComponent(String(v))}`;
    return this;
  }
  /** The selectors, checked as the server checks them (an invalid one throws its 400). */
  selectors(o: { labelSelector?: LabelSelector; fieldSelector?: FieldSelector }): this {
    if (o.labelSelector !== undefined) this.add("labelSelector", labelSelectorParam(o.labelSelector));
    if (o.fieldSelector !== undefined) this.add("fieldSelector", fieldSelectorParam(o.fieldSelector));
    return this;
  }
  toString(): string {
    return this.s;
  }
}

export function listQuery(o: ListOptions | undefined): string {
  if (!o) return "";
  return new Query()
    .selectors(o)
    .add("limit", o.limit)
    .add("continue", o.continue)
    .add("resourceVersion", o.resourceVersion)
    .add("resourceVersionMatch", o.resourceVersionMatch)
    .toString();
}

export function watchQuery(o: WatchOptions, resourceVersion: string | undefined, timeoutSeconds: number): string {
  return new Query()
    .add("watch", "1")
    .selectors(o)
    .add("resourceVersion", resourceVersion)
    .add("allowWatchBookmarks", o.allowWatchBookmarks ?? true)
    .add("timeoutSeconds", timeoutSeconds)
    .toString();
}

export function writeQuery(o: (WriteOptions & PatchOptions) | undefined, defaultFieldManager: string | undefined): string {
  return new Query()
    .add("dryRun", o?.dryRun)
    .add("fieldManager", o?.fieldManager ?? defaultFieldManager)
    .add("fieldValidation", o?.fieldValidation)
    .add("force", o?.force)
    .toString();
}

/** deleteCollection puts the selection in the query and the DeleteOptions in the body. */
export function deleteCollectionQuery(o: DeleteCollectionOptions | undefined): string {
  return listQuery(o ? { ...o, signal: undefined } : undefined);
}

export function logQuery(o: LogOptions | undefined): string {
  if (!o) return "";
  return new Query()
    .add("container", o.container)
    .add("follow", o.follow)
    .add("previous", o.previous)
    .add("sinceSeconds", o.sinceSeconds)
    .add("sinceTime", o.sinceTime)
    .add("tailLines", o.tailLines)
    .add("timestamps", o.timestamps)
    .add("limitBytes", o.limitBytes)
    .toString();
}
