/**
 * The generic registry store (k8s.io/apiserver pkg/registry/generic/registry/store.go)
 * for one kind over the Storage interface: get, list, watch, create, update (PUT/PATCH,
 * main and /status), delete with finalizers and garbage-collection finalizers,
 * deletecollection. Storage errors become API errors here and nowhere else
 * (storeerr.Interpret*Error). Handlers decode and negotiate; this layer owns object
 * semantics.
 */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import type { KubeObject } from "../apimachinery/object.js";
import { rfc3339 } from "../apimachinery/time.js";
import type { Watcher } from "../apimachinery/watch.js";
import { errors, StatusError, successStatus, type Status } from "../api/status.js";
import { StorageError, type Storage, type WatchOptions as StorageWatchOptions } from "../storage/interface.js";
import { OPTIMISTIC_LOCK_MESSAGE, toStatusError, unknownError } from "./errors.js";
import { objectList, storageListOptions, withCompactedContinue, type ObjectList } from "./list.js";
import { managerName, updateManagedFields } from "./managedfields.js";
import { generateName, newUID } from "./meta.js";
import { parseResourceVersion, type GetOptions, type ListOptions } from "./options.js";
import { listPrefix, objectKey, type ResourceScope } from "./scope.js";
import { fieldLabels, selectionPredicate, type FieldLabels } from "./selection.js";
import {
  metaOf,
  omitEmptyMeta,
  prepareForCreate,
  prepareForUpdate,
  shouldDeleteDuringUpdate,
  validateCreate,
  validateUpdate,
} from "./strategy.js";
import { failedWatcher, interpretingWatcher } from "./watch.js";

export interface StoreOptions {
  /** Clock of timestamps (creation, deletion, managedFields), for tests. */
  clock?: () => Date;
  /** How often a watch that allows bookmarks gets one from the watch cache (kube's defaultBookmarkFrequency: 60 s). */
  bookmarkFrequencyMs?: number;
}

/**
 * Admission for one write, built by the handler from the request's user and
 * attributes: mutating admission runs on the defaulted object before the
 * strategy validates it, validating admission on the final object (kube's
 * handler order). Both throw the StatusError to send.
 */
export interface WriteAdmission {
  mutate(obj: KubeObject, old?: KubeObject): Promise<void>;
  validate(obj: KubeObject, old?: KubeObject): Promise<void>;
}

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  userAgent?: string;
  admission?: WriteAdmission;
  /**
   * The object is the result of a server-side apply, which recorded its managedFields:
   * kube's apply path never runs the Update field manager.
   */
  applied?: boolean;
  /**
   * Storage preconditions of an update: a PUT body's `metadata.uid` (rest.DefaultUpdatedObjectInfo
   * Preconditions), checked against the stored object before anything else (409 when it differs).
   */
  preconditions?: { uid: string };
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun: boolean;
  /** Validating admission of the deletion, given the stored object. */
  admission?: { validate(old: KubeObject): Promise<void> };
}

export interface DeleteResult {
  /** The object (still present, being finalized) or a Success Status (deleted). */
  body: KubeObject | Status;
  deleted: boolean;
}

/**
 * Builds the requested object from the current one for an update. For PUT it ignores
 * `current` and returns the decoded body; for PATCH it applies the patch to `current`.
 */
export type Produce = (current: KubeObject) => KubeObject;

const FINALIZER_ORPHAN = "orphan";
const FINALIZER_FOREGROUND = "foregroundDeletion";
const GENERATE_NAME_ATTEMPTS = 8;

class DeleteDuringUpdate extends Error {
  constructor(
    readonly obj: KubeObject,
    readonly uid: string | undefined,
  ) {
    super("delete during update");
  }
}

class NoChange extends Error {
  constructor(readonly obj: KubeObject) {
    super("no change");
  }
}

export class GenericStore {
  /**
   * Results that are not a stored revision although they carry one's resourceVersion
   * (dry-run results, the object of an update that ended in deletion): callers must not
   * cache their serialisation under that resourceVersion.
   */
  readonly transient = new WeakSet<KubeObject>();
  private readonly clock: () => Date;
  private readonly bookmarkFrequencyMs: number;
  private readonly fieldLabels: FieldLabels;

  constructor(
    readonly scope: ResourceScope,
    private readonly storage: Storage,
    opts: StoreOptions = {},
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.bookmarkFrequencyMs = opts.bookmarkFrequencyMs ?? 60_000;
    this.fieldLabels = fieldLabels(scope.def);
  }

  /** Storage key of one object: what serialisations of its revisions are cached under. */
  key(namespace: string, name: string): string {
    return objectKey(this.scope, namespace, name);
  }

  /** Storage key prefix of a namespace (every namespace when ""). */
  prefix(namespace: string): string {
    return listPrefix(this.scope, namespace);
  }

  async get(namespace: string, name: string, opts: GetOptions = { resourceVersion: "" }): Promise<KubeObject> {
    const revision = parseResourceVersion(opts.resourceVersion);
    try {
      return await this.storage.get(this.key(namespace, name), revision ? { revision } : undefined);
    } catch (err) {
      throw toStatusError(err, this.scope, name, "get");
    }
  }

  /**
   * The revision a GET with `opts` would return, when the storage can tell without
   * reading the object (so a handler may answer from bytes it keeps for that revision);
   * undefined for a read at an older revision, a missing object, or when not known cheaply.
   */
  async revisionOf(namespace: string, name: string, opts: GetOptions): Promise<number | undefined> {
    if (parseResourceVersion(opts.resourceVersion) || !this.storage.revisionOf) return undefined;
    try {
      return await this.storage.revisionOf(this.key(namespace, name));
    } catch (err) {
      throw toStatusError(err, this.scope, name, "get");
    }
  }

  /** The storage's latest revision: a list at the latest revision is the same while it is. */
  currentRevision(): Promise<number> {
    return this.latestRevision("list");
  }

  private async latestRevision(operation: string): Promise<number> {
    try {
      return await this.storage.currentRevision();
    } catch (err) {
      throw toStatusError(err, this.scope, "", operation);
    }
  }

  async list(namespace: string, opts: ListOptions): Promise<ObjectList> {
    const predicate = selectionPredicate(this.fieldLabels, opts.labelSelector, opts.fieldSelector);
    const prefix = this.prefix(namespace);
    const read = storageListOptions(opts, prefix, predicate);
    try {
      return objectList(await this.storage.list(prefix, read), prefix);
    } catch (err) {
      throw withCompactedContinue(toStatusError(err, this.scope, "", "list"), err, read, prefix);
    }
  }

  /**
   * A watch of a namespace (every namespace when "") until `deadline` (epoch ms), when
   * the server ends it. Options that do not parse throw; the storage's errors, also
   * when it cannot start the watch, come from the iteration.
   */
  async watch(namespace: string, opts: ListOptions, deadline: number): Promise<Watcher> {
    const predicate = selectionPredicate(this.fieldLabels, opts.labelSelector, opts.fieldSelector);
    const interpret = (err: unknown) => toStatusError(err, this.scope, "", "watch");
    let revision = parseResourceVersion(opts.resourceVersion);
    // sendInitialEvents=false without a resourceVersion: only the changes from now on
    if (opts.sendInitialEvents === false && revision === 0) revision = await this.latestRevision("watch");
    const watch: StorageWatchOptions = { revision, recursive: true };
    if (predicate) watch.predicate = predicate;
    if (opts.sendInitialEvents === true) watch.sendInitialEvents = true;
    // The deadline reaches the storage as kube's context deadline reaches the cacher (get.go
    // context.WithTimeout before rw.Watch): the watch cache sends a bookmark 2 s before it.
    // Without the cache no bookmarks, as kube's etcd3 watcher (only watch-list's end bookmark).
    if (opts.allowWatchBookmarks) watch.clientBookmarks = { frequencyMs: this.bookmarkFrequencyMs, deadline };
    try {
      return interpretingWatcher(this.storage.watch(this.prefix(namespace), watch), interpret);
    } catch (err) {
      return failedWatcher(interpret(err));
    }
  }

  /** `obj` is decoded, typed-checked and pruned; namespace already set from the URL. */
  async create(obj: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const def = this.scope.def;
    obj.apiVersion = this.scope.apiVersion;
    obj.kind = def.kind;
    def.applyDefaults(obj as Record<string, unknown>);
    await opts.admission?.mutate(obj);
    const m = metaOf(obj);
    prepareForCreate(this.scope, obj);
    m.creationTimestamp = rfc3339(this.clock());
    m.uid = newUID();
    const generated = !!m.generateName && !m.name;
    if (generated) m.name = generateName(m.generateName!);
    validateCreate(this.scope, obj);
    await opts.admission?.validate(obj);
    if (!opts.applied) updateManagedFields(obj, undefined, managerName(opts.fieldManager, opts.userAgent), "", this.clock(), this.scope);
    omitEmptyMeta(obj);
    if (m.resourceVersion) throw unknownError("resourceVersion should not be set on objects to be created");
    for (let attempt = 1; ; attempt++) {
      const key = this.key(m.namespace ?? "", m.name!);
      try {
        if (opts.dryRun) {
          try {
            await this.storage.get(key);
          } catch (err) {
            if (err instanceof StorageError && err.code === "KeyNotFound") return obj;
            throw err;
          }
          throw new StorageError("KeyExists", key, "exists");
        }
        return await this.storage.create(key, obj);
      } catch (err) {
        const exists = err instanceof StorageError && err.code === "KeyExists";
        if (exists && generated) {
          if (attempt < GENERATE_NAME_ATTEMPTS) {
            m.name = generateName(m.generateName!);
            continue;
          }
          const e = errors.alreadyExists(this.scope.gr, m.name!);
          e.status.message += ", the server was not able to generate a unique name for the object";
          e.status.details!.retryAfterSeconds = 1;
          throw e;
        }
        throw toStatusError(err, this.scope, m.name!, "create");
      }
    }
  }

  /**
   * Update of the main resource or /status. `produce` returns the object as the client
   * wants it (decoded, pruned); the store checks resourceVersion, applies the strategy,
   * validates, and writes. Returns the stored object.
   */
  async update(
    namespace: string,
    name: string,
    subresource: "" | "status",
    produce: Produce,
    opts: WriteOptions,
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    const manager = managerName(opts.fieldManager, opts.userAgent);
    const tryUpdate = async (current: KubeObject): Promise<KubeObject> => {
      const requested = produce(deepCopyJSON(current));
      const rm = metaOf(requested);
      const rv = rm.resourceVersion;
      if (!rv) {
        throw errors.invalid(this.scope.gr.group, this.scope.gr.resource, name, [
          { type: "FieldValueInvalid", field: "metadata.resourceVersion", message: "Invalid value: 0x0: must be specified for an update" },
        ]);
      }
      if (rv !== current.metadata.resourceVersion) throw errors.conflict(this.scope.gr, name, OPTIMISTIC_LOCK_MESSAGE);
      requested.apiVersion = this.scope.apiVersion;
      requested.kind = this.scope.def.kind;
      this.scope.def.applyDefaults(requested as Record<string, unknown>);
      await opts.admission?.mutate(requested, current);
      const next = prepareForUpdate(this.scope, requested, current, subresource);
      validateUpdate(this.scope, next, current);
      await opts.admission?.validate(next, current);
      if (!opts.applied) updateManagedFields(next, current, manager, subresource, this.clock(), this.scope);
      omitEmptyMeta(next);
      if (shouldDeleteDuringUpdate(next, current)) throw new DeleteDuringUpdate(next, current.metadata.uid);
      if (opts.dryRun) throw new NoChange(next);
      return next;
    };
    try {
      // store.go Update: no create on update, so a missing object is 404 before any precondition.
      return await this.storage.guaranteedUpdate(key, tryUpdate, opts.preconditions ? { preconditions: opts.preconditions } : undefined);
    } catch (err) {
      if (err instanceof NoChange) return this.markTransient(err.obj);
      if (err instanceof DeleteDuringUpdate) {
        this.markTransient(err.obj);
        if (opts.dryRun) return err.obj;
        try {
          await this.storage.delete(key, { preconditions: { uid: err.uid } });
        } catch (e) {
          // deletion races with other finalizer removals: already gone is fine (store.go)
          if (!(e instanceof StorageError && e.code === "KeyNotFound")) throw toStatusError(e, this.scope, name, "delete");
        }
        return err.obj;
      }
      throw toStatusError(err, this.scope, name, "update");
    }
  }

  /** store.go Delete for a non-graceful strategy. */
  async delete(namespace: string, name: string, opts: DeleteOptions): Promise<DeleteResult> {
    const key = this.key(namespace, name);
    let obj: KubeObject;
    try {
      obj = await this.storage.get(key);
    } catch (err) {
      throw toStatusError(err, this.scope, name, "delete");
    }
    this.checkPreconditions(obj, opts);
    await opts.admission?.validate(obj);
    const pending = (metaOf(obj).finalizers ?? []).length > 0;
    const [gcChange] = this.gcFinalizers(obj, opts);
    if (pending || gcChange) {
      let deleteNow = false;
      let out: KubeObject | undefined;
      const mark = (existing: KubeObject): KubeObject => {
        this.checkPreconditions(existing, opts);
        const next = deepCopyJSON(existing);
        const [change, finalizers] = this.gcFinalizers(next, opts);
        if (change) metaOf(next).finalizers = finalizers;
        if ((metaOf(next).finalizers ?? []).length === 0) {
          deleteNow = true;
          throw new NoChange(existing);
        }
        this.markAsDeleting(next);
        if (opts.dryRun) throw new NoChange(next);
        return next;
      };
      try {
        out = await this.storage.guaranteedUpdate(key, mark);
      } catch (err) {
        if (err instanceof NoChange) out = opts.dryRun ? this.markTransient(err.obj) : err.obj;
        else throw toStatusError(err, this.scope, name, "delete");
      }
      if (!deleteNow) return { body: out, deleted: false };
      if (opts.dryRun) return { body: this.deletedStatus(out), deleted: true };
    }
    if (opts.dryRun) return { body: this.deletedStatus(obj), deleted: true };
    try {
      const last = await this.storage.delete(key, { preconditions: opts.preconditions });
      return { body: this.deletedStatus(last), deleted: true };
    } catch (err) {
      throw toStatusError(err, this.scope, name, "delete");
    }
  }

  /**
   * store.go DeleteCollection: deletes each selected object as `delete` does (one deleted
   * meanwhile is skipped) and returns the selected objects.
   */
  async deleteCollection(
    namespace: string,
    selectors: Pick<ListOptions, "labelSelector" | "fieldSelector">,
    opts: DeleteOptions,
  ): Promise<ObjectList> {
    const predicate = selectionPredicate(this.fieldLabels, selectors.labelSelector, selectors.fieldSelector);
    let listed;
    try {
      listed = await this.storage.list(this.prefix(namespace), predicate ? { predicate } : {});
    } catch (err) {
      throw toStatusError(err, this.scope, "", "list");
    }
    for (const item of listed.items) {
      try {
        await this.delete(item.metadata.namespace ?? "", item.metadata.name ?? "", opts);
      } catch (err) {
        // deleted meanwhile: fine (DeleteCollection ignores NotFound)
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return { items: listed.items, metadata: { resourceVersion: String(listed.revision) } };
  }

  private markTransient(obj: KubeObject): KubeObject {
    this.transient.add(obj);
    return obj;
  }

  /** finalizeDelete without ReturnDeletedObject: a Success Status naming the object. */
  deletedStatus(obj: KubeObject): Status {
    return successStatus({
      name: obj.metadata.name,
      group: this.scope.gr.group,
      kind: this.scope.gr.resource,
      uid: obj.metadata.uid,
    });
  }

  private checkPreconditions(obj: KubeObject, opts: DeleteOptions): void {
    const p = opts.preconditions;
    if (!p) return;
    const gr = { group: this.scope.def.group, resource: this.scope.def.kind };
    const m = metaOf(obj);
    if (p.uid !== undefined && p.uid !== m.uid) {
      throw errors.conflict(
        gr,
        m.name ?? "",
        `the UID in the precondition (${p.uid}) does not match the UID in record (${m.uid ?? ""}). The object might have been deleted and then recreated`,
      );
    }
    if (p.resourceVersion !== undefined && p.resourceVersion !== m.resourceVersion) {
      throw errors.conflict(
        gr,
        m.name ?? "",
        `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${m.resourceVersion ?? ""}). The object might have been modified`,
      );
    }
  }

  /** deletionFinalizersForGarbageCollection with the default (background) policy. */
  private gcFinalizers(obj: KubeObject, opts: DeleteOptions): [boolean, string[]] {
    const current = metaOf(obj).finalizers ?? [];
    let orphan: boolean;
    let foreground: boolean;
    if (opts.orphanDependents !== undefined) {
      orphan = opts.orphanDependents;
      foreground = false;
    } else if (opts.propagationPolicy) {
      orphan = opts.propagationPolicy === "Orphan";
      foreground = opts.propagationPolicy === "Foreground";
    } else {
      orphan = current.includes(FINALIZER_ORPHAN) && !current.includes(FINALIZER_FOREGROUND);
      foreground = current.includes(FINALIZER_FOREGROUND) && !current.includes(FINALIZER_ORPHAN);
      // first one found wins in kube; approximate with "present and not both"
      if (current.includes(FINALIZER_ORPHAN) && current.includes(FINALIZER_FOREGROUND)) {
        const first = current.find((f) => f === FINALIZER_ORPHAN || f === FINALIZER_FOREGROUND);
        orphan = first === FINALIZER_ORPHAN;
        foreground = first === FINALIZER_FOREGROUND;
      }
    }
    const next = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
    if (orphan) next.push(FINALIZER_ORPHAN);
    if (foreground) next.push(FINALIZER_FOREGROUND);
    const same = new Set(current).size === new Set(next).size && next.every((f) => current.includes(f));
    return [!same, same ? current : next];
  }

  /** markAsDeleting: deletionTimestamp (kept if earlier), grace period 0, generation bump once. */
  private markAsDeleting(obj: KubeObject): void {
    const m = metaOf(obj);
    const now = this.clock();
    if (!m.deletionTimestamp && (m.generation ?? 0) > 0) m.generation = (m.generation ?? 0) + 1;
    if (!m.deletionTimestamp || new Date(m.deletionTimestamp) > now) m.deletionTimestamp = rfc3339(now);
    m.deletionGracePeriodSeconds = 0;
  }
}
