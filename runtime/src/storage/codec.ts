/**
 * How objects are stored: JSON without `metadata.resourceVersion`; the revision of
 * the row is injected on every read (as Kubernetes' versioner does on decode), so a
 * value never has to be rewritten once its revision is known.
 */
import { StorageError, type KubeObject, type Preconditions } from "./interface.js";
import { withResourceVersion, withResourceVersionAt } from "./stored-json.js";
import { rememberJSON } from "../apimachinery/known-json.js";

/** Serialises an object for storage, dropping resourceVersion (the revision is the row's). */
export function encode(obj: KubeObject): string {
  if (obj === null || typeof obj !== "object" || obj.metadata === null || typeof obj.metadata !== "object") {
    throw new StorageError("InvalidObj", "", "object has no metadata");
  }
  const metadata = obj.metadata.resourceVersion === undefined ? obj.metadata : { ...obj.metadata, resourceVersion: undefined };
  const { json, metadataEnd } = stringifyMembers(obj, metadata);
  if (metadataEnd >= 0) encodedMetadataEnd.set(obj, { value: json, metadataEnd });
  return json;
}

/** Where the metadata of the value encode() wrote for an object ends, for asStored's resourceVersion. */
const encodedMetadataEnd = new WeakMap<object, { value: string; metadataEnd: number }>();

/**
 * JSON.stringify(obj) with `metadata` for its metadata, one top-level member at a time, so the
 * index of the metadata's closing brace is known without scanning the text for it.
 */
function stringifyMembers(obj: KubeObject, metadata: object): { json: string; metadataEnd: number } {
  if (typeof (obj as { toJSON?: unknown }).toJSON === "function") return { json: JSON.stringify({ ...obj, metadata }), metadataEnd: -1 };
  let json = "{";
  let metadataEnd = -1;
  for (const key of Object.keys(obj)) {
    const isMetadata = key === "metadata";
    const member = JSON.stringify(isMetadata ? metadata : (obj as Record<string, unknown>)[key]);
    if (member === undefined) continue; // undefined and functions are left out, as JSON.stringify does
    if (json.length > 1) json += ",";
    json += JSON.stringify(key) + ":" + member;
    if (isMetadata && member.charCodeAt(0) === 123 /* { */) metadataEnd = json.length - 1;
  }
  return { json: json + "}", metadataEnd };
}

/** Parses a stored value and sets its resourceVersion to `revision`. Always a fresh object. */
export function decode(value: string, revision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

/**
 * What a read of `obj` stored as `value` at `revision` returns, without parsing `value`: the
 * same JSON (so its serialised form may serve later reads), as decode puts resourceVersion last
 * in metadata. Only metadata is copied: a writer hands `obj` over. Its JSON is `value` with the
 * revision added, so a response need not serialise it again.
 */
export function asStored(obj: KubeObject, value: string, revision: number): KubeObject {
  const { resourceVersion: _stale, ...metadata } = obj.metadata;
  metadata.resourceVersion = String(revision);
  const stored = { ...obj, metadata };
  // Taken once: the entry must not keep the value alive beside an object a cache may hold.
  const encoded = encodedMetadataEnd.get(obj);
  encodedMetadataEnd.delete(obj);
  const metadataEnd = encoded?.value === value ? encoded.metadataEnd : undefined;
  rememberJSON(stored, () => (metadataEnd === undefined ? withResourceVersion(value, revision) : withResourceVersionAt(value, metadataEnd, revision)));
  return stored;
}

/** Preconditions.Check from k8s.io/apiserver pkg/storage/util.go, same texts. */
export function checkPreconditions(key: string, p: Preconditions | undefined, obj: KubeObject): void {
  if (!p) return;
  const uid = obj.metadata?.uid ?? "";
  if (p.uid !== undefined && p.uid !== uid) {
    throw new StorageError(
      "InvalidObj",
      key,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${uid}`,
    );
  }
  const rv = obj.metadata?.resourceVersion ?? "";
  if (p.resourceVersion !== undefined && p.resourceVersion !== rv) {
    throw new StorageError(
      "InvalidObj",
      key,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${rv}`,
    );
  }
}

/** First string greater than every string starting with `prefix` (for range scans). */
export function prefixEnd(prefix: string): string {
  if (prefix === "") return "\uffff";
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
