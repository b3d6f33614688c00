/**
 * FieldsV1 (metav1.FieldsV1), the JSON trie of a field set that managedFields carry
 * (fieldpath/serialize.go): each key is a path element; `{}` marks a member with
 * nothing owned below it, and `".": {}` marks a member that also has children.
 */
import { comparePE, parsePE } from "./pathelement.js";
import { FieldSet } from "./set.js";

export type FieldsV1 = { [pe: string]: FieldsV1 };

export function encodeFieldsV1(s: FieldSet): FieldsV1 {
  return encodeInto(s, {});
}

function encodeInto(s: FieldSet, out: FieldsV1): FieldsV1 {
  const pes = [...s.members];
  for (const pe of s.children.keys()) if (!s.members.has(pe)) pes.push(pe);
  for (const pe of pes.sort(comparePE)) {
    const c = s.children.get(pe);
    const node: FieldsV1 = {};
    if (c && !c.empty()) {
      if (s.members.has(pe)) node["."] = {};
      encodeInto(c, node);
    }
    out[pe] = node;
  }
  return out;
}

class FieldsV1Error extends Error {}

/** Parses FieldsV1; throws FieldsV1Error on anything else. */
export function decodeFieldsV1(v: unknown): FieldSet {
  const s = new FieldSet();
  decodeInto(v, s);
  return s;
}

function decodeInto(v: unknown, s: FieldSet): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new FieldsV1Error("expected an object");
  let self = false;
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    if (k === ".") {
      self = true;
      continue;
    }
    let pe: string;
    try {
      pe = parsePE(k);
    } catch (e) {
      throw new FieldsV1Error((e as Error).message);
    }
    const c = new FieldSet();
    const member = decodeInto(child, c);
    if (member || c.empty()) s.members.add(pe);
    if (!c.empty()) s.children.set(pe, c);
  }
  return self;
}
