/**
 * Hostile request bodies built from a kind's structural schema: the places an
 * object can nest (typed objects and lists, free-form subtrees), its strings
 * and its numbers, each paired with a valid example object. Bodies are built
 * as JSON text with a placeholder spliced out, so they can nest far deeper than
 * this process's JSON.stringify could go.
 */
import type { StructuralSchema } from "@skai-gen/runtime";

/** kube's decoders' nesting limit (encoding/json maxNestingDepth). */
export const MAX_DEPTH = 10_000;

/** A place in an object: its path as keys and list indexes, and its schema. */
export interface Point {
  path: (string | number)[];
  schema: StructuralSchema;
  /** Containers around the value at `path`, the document itself included. */
  depth: number;
}

/** Every place the schema describes that the example object holds (lists at their first item). */
export function pointsOf(schema: StructuralSchema, example: unknown): Point[] {
  const out: Point[] = [];
  const walk = (s: StructuralSchema, v: unknown, path: (string | number)[], depth: number) => {
    out.push({ path, schema: s, depth });
    if (s["x-kubernetes-preserve-unknown-fields"] && !s.properties) return;
    if (s.properties && v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(s.properties)) {
        if (k === "apiVersion" || k === "kind") continue;
        if ((v as Record<string, unknown>)[k] !== undefined) walk(child, (v as Record<string, unknown>)[k], [...path, k], depth + 1);
      }
    }
    if (s.items && Array.isArray(v) && v.length > 0) walk(s.items, v[0], [...path, 0], depth + 1);
    if (s.additionalProperties && typeof s.additionalProperties === "object" && v && typeof v === "object") {
      const first = Object.keys(v)[0];
      if (first !== undefined) walk(s.additionalProperties, (v as Record<string, unknown>)[first], [...path, first], depth + 1);
    }
  };
  walk(schema, example, [], 0);
  return out;
}

export const fieldPath = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

const PLACEHOLDER = "\u0000hostile\u0000";

/** `example` with the value at `path` replaced by raw JSON text (missing parents made). */
export function withRaw(example: unknown, path: (string | number)[], raw: string): string {
  const copy = JSON.parse(JSON.stringify(example));
  if (path.length === 0) return raw;
  let parent = copy;
  path.slice(0, -1).forEach((p, i) => {
    parent[p] ??= typeof path[i + 1] === "number" ? [] : {};
    parent = parent[p];
  });
  parent[path[path.length - 1]] = PLACEHOLDER;
  return JSON.stringify(copy).replace(JSON.stringify(PLACEHOLDER), raw);
}

/** An object whose own nesting is `levels` (`{"a":{"a":...1}}`). */
export const nestedObjects = (levels: number) => '{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
/** Lists nested `levels` deep. */
export const nestedLists = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

/** Nesting of a parsed JSON value, without recursion. */
export function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    max = Math.max(max, d + 1);
    for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}

/** A seeded generator, so a failure replays. */
export { prng as rng } from "./prng.js";


/** Up to `n` items of `list`, chosen by `random` but always including the first and last. */
export function sample<T>(list: T[], n: number, random: () => number): T[] {
  if (list.length <= n) return list;
  const picked = new Set<number>([0, list.length - 1]);
  while (picked.size < n) picked.add(Math.floor(random() * list.length));
  return [...picked].sort((a, b) => a - b).map((i) => list[i]);
}
