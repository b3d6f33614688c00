/**
 * RFC 6902 JSON Patch. Errors carry the wording of github.com/evanphx/json-patch (the
 * library kube-apiserver uses), since kube passes them through to the client.
 */
import { deepCopyJSON, deepEqualJSON } from "./deepcopy.js";

export class JSONPatchDecodeError extends Error {}
export class JSONPatchApplyError extends Error {}

export interface JSONPatchOperation {
  op: string;
  path?: string;
  from?: string;
  value?: unknown;
}

/** jsonpatch.DecodePatch: the body must be a JSON array of operation objects. */
export function decodeJSONPatch(body: unknown): JSONPatchOperation[] {
  if (!Array.isArray(body)) {
    throw new JSONPatchDecodeError("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  }
  for (const op of body) {
    if (op === null || typeof op !== "object" || Array.isArray(op)) {
      throw new JSONPatchDecodeError("json: cannot unmarshal into Go value of type jsonpatch.Operation");
    }
  }
  return body as JSONPatchOperation[];
}

function parsePointer(path: string | undefined, field: string, op: string): string[] {
  if (path === undefined || typeof path !== "string") {
    throw new JSONPatchApplyError(`${op} operation missing '${field}' field`);
  }
  if (path === "") return [];
  if (!path.startsWith("/")) throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Record<string, unknown> | unknown[];

/** Resolves the parent container of the pointer's last segment. */
function parent(doc: unknown, parts: string[], op: string, path: string): { c: Container; key: string } {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = child(cur, parts[i]);
    if (cur === undefined || cur === null || typeof cur !== "object") {
      throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
  }
  if (cur === null || typeof cur !== "object") {
    throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return { c: cur as Container, key: parts[parts.length - 1] };
}

function child(cur: unknown, key: string): unknown {
  if (Array.isArray(cur)) {
    if (!/^\d+$/.test(key)) return undefined;
    return cur[Number(key)];
  }
  if (cur !== null && typeof cur === "object" && Object.prototype.hasOwnProperty.call(cur, key)) {
    return (cur as Record<string, unknown>)[key];
  }
  return undefined;
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, op: string, path: string): number {
  if (forAdd && key === "-") return arr.length;
  if (!/^-?\d+$/.test(key)) throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const i = Number(key);
  const max = forAdd ? arr.length : arr.length - 1;
  if (i < 0 || i > max) {
    throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return i;
}

function get(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts) {
    cur = child(cur, p);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function add(doc: unknown, parts: string[], value: unknown, op: string, path: string): unknown {
  if (parts.length === 0) return value;
  const { c, key } = parent(doc, parts, op, path);
  if (Array.isArray(c)) c.splice(arrayIndex(c, key, true, op, path), 0, value);
  else c[key] = value;
  return doc;
}

function remove(doc: unknown, parts: string[], op: string, path: string): unknown {
  if (parts.length === 0) throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const { c, key } = parent(doc, parts, op, path);
  if (Array.isArray(c)) c.splice(arrayIndex(c, key, false, op, path), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(c, key)) {
      throw new JSONPatchApplyError(`Unable to remove nonexistent key: ${key}: missing value`);
    }
    delete c[key];
  }
  return doc;
}


/** Applies `ops` to `doc` (mutated and returned). */
export function applyJSONPatch(doc: unknown, ops: JSONPatchOperation[]): unknown {
  for (const o of ops) {
    const op = o.op;
    switch (op) {
      case "add": {
        if (!("value" in o)) throw new JSONPatchApplyError("add operation missing 'value' field");
        doc = add(doc, parsePointer(o.path, "path", op), deepCopyJSON(o.value), op, o.path!);
        break;
      }
      case "remove":
        doc = remove(doc, parsePointer(o.path, "path", op), op, o.path!);
        break;
      case "replace": {
        if (!("value" in o)) throw new JSONPatchApplyError("replace operation missing 'value' field");
        const parts = parsePointer(o.path, "path", op);
        if (parts.length === 0) {
          doc = deepCopyJSON(o.value);
          break;
        }
        const { c, key } = parent(doc, parts, op, o.path!);
        if (Array.isArray(c)) c[arrayIndex(c, key, false, op, o.path!)] = deepCopyJSON(o.value);
        else {
          if (!Object.prototype.hasOwnProperty.call(c, key)) {
            throw new JSONPatchApplyError(`replace operation does not apply: doc is missing key: ${o.path}: missing value`);
          }
          c[key] = deepCopyJSON(o.value);
        }
        break;
      }
      case "move":
      case "copy": {
        const from = parsePointer(o.from, "from", op);
        const to = parsePointer(o.path, "path", op);
        const v = get(doc, from);
        if (v === undefined) throw new JSONPatchApplyError(`${op} operation does not apply: doc is missing from path: ${o.from}: missing value`);
        if (op === "move") doc = remove(doc, from, op, o.from!);
        doc = add(doc, to, op === "copy" ? deepCopyJSON(v) : v, op, o.path!);
        break;
      }
      case "test": {
        const parts = parsePointer(o.path, "path", op);
        const v = get(doc, parts);
        if (!deepEqualJSON(v === undefined ? null : v, o.value === undefined ? null : o.value)) {
          throw new JSONPatchApplyError(`testing value ${o.path} failed: test failed`);
        }
        break;
      }
      default:
        throw new JSONPatchApplyError(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

export { deepEqualJSON as deepEqual };
