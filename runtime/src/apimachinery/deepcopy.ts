/**
 * Copies and comparisons of JSON values with an explicit stack instead of
 * recursion, so their cost in stack is the same at any nesting depth (objects
 * may nest as deep as kube's decoders allow, 10,000 levels, and deeper when
 * read from storage another program wrote). Also faster than structuredClone
 * for plain JSON.
 */

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === "object";
}

/** A deep copy of a JSON value (objects, arrays, strings, numbers, booleans, null). */
export function deepCopyJSON<T>(value: T): T {
  if (!isContainer(value)) return value;
  const root: Container = Array.isArray(value) ? new Array(value.length) : {};
  const pending: [Container, Container][] = [[value, root]];
  while (pending.length > 0) {
    const [from, to] = pending.pop()!;
    if (Array.isArray(from)) {
      const out = to as unknown[];
      for (let i = 0; i < from.length; i++) out[i] = copyChild(from[i], pending);
    } else {
      const out = to as Record<string, unknown>;
      for (const key in from) {
        if (Object.prototype.hasOwnProperty.call(from, key)) out[key] = copyChild(from[key], pending);
      }
    }
  }
  return root as T;
}

function copyChild(v: unknown, pending: [Container, Container][]): unknown {
  if (!isContainer(v)) return v;
  const child: Container = Array.isArray(v) ? new Array(v.length) : {};
  pending.push([v, child]);
  return child;
}

/** Deep equality of JSON values; object key order does not matter. */
export function deepEqualJSON(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  while (pending.length > 0) {
    const [x, y] = pending.pop()!;
    if (x === y) continue;
    if (!isContainer(x) || !isContainer(y)) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      pending.push([x[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

/** Nesting depth of a JSON value: 0 for a scalar, 1 for `{}` or `[]`, 2 for `[[]]`. */
export function depthOfJSON(value: unknown): number {
  let max = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [v, d] = pending.pop()!;
    if (!isContainer(v)) continue;
    if (d + 1 > max) max = d + 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (isContainer(child)) pending.push([child, d + 1]);
  }
  return max;
}
